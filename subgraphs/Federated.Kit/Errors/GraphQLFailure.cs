using GraphQL;

namespace Federated.Kit.Errors;

/// <summary>
/// An expected failure that is not a mutation's business result (a bad argument, a missing
/// identity): a GraphQL error whose <c>extensions.code</c> is stable.
/// </summary>
public sealed class GraphQLFailure : ExecutionError
{
    public GraphQLFailure(string code, string message) : base(message)
    {
        Code = code;
    }

    public static GraphQLFailure BadUserInput(string message) => new(ErrorCodes.BadUserInput, message);
}
