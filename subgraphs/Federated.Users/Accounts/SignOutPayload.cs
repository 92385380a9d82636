using Federated.Kit.Errors;
using Federated.Kit.Types;
using GraphQL.Types;

namespace Federated.Users.Accounts;

public sealed record SignOutPayload(int RevokedSessions, IReadOnlyList<UserError> Errors)
{
    public static SignOutPayload Failed(params UserError[] errors) => new(0, errors);
}

public sealed class SignOutPayloadType : ObjectGraphType<SignOutPayload>
{
    public SignOutPayloadType()
    {
        Name = "SignOutPayload";
        Field(p => p.RevokedSessions).Description("How many refresh tokens were revoked.");
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
