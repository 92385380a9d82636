using GraphQL;
using GraphQL.Execution;
using GraphQL.Validation;
using GraphQLParser.Exceptions;

namespace Federated.Kit.Errors;

/// <summary>
/// Gives every error a stable code: parse and validation errors get the codes clients
/// know from other GraphQL servers, a store that does not answer SERVICE_UNAVAILABLE (the
/// client may try again), and anything unexpected becomes INTERNAL_SERVER_ERROR
/// with no detail unless the options expose it (<c>GraphQL:ExposeExceptionDetails</c>, for
/// debugging, and then only for it: an expected error never carries a stack trace).
/// </summary>
internal sealed class KitErrorInfoProvider(ErrorInfoProviderOptions options) : ErrorInfoProvider(options)
{
    private readonly bool _expose = options.ExposeExceptionDetails;

    public override ErrorInfo GetInfo(ExecutionError executionError)
    {
        var info = base.GetInfo(executionError);
        var code = executionError switch
        {
            GraphQLFailure failure => failure.Code,
            SyntaxError => ErrorCodes.SyntaxError,
            InvalidVariableError => ErrorCodes.BadUserInput,
            ValidationError => ErrorCodes.ValidationFailed,
            UnhandledError when ErrorCodes.IsStoreUnavailable(executionError.InnerException) => ErrorCodes.ServiceUnavailable,
            UnhandledError => ErrorCodes.InternalServerError,
            _ when executionError.InnerException is GraphQLSyntaxErrorException => ErrorCodes.SyntaxError,
            _ => executionError.Code,
        };

        var extensions = info.Extensions is null
            ? new Dictionary<string, object?>()
            : new Dictionary<string, object?>(info.Extensions);
        extensions["code"] = code;
        extensions.Remove("codes");
        // An error the service meant to give (bad input, a refusal) is its code and message,
        // never the exception behind it: exposed details are for the unexpected only.
        if (executionError is not UnhandledError)
            extensions.Remove("details");
        if (executionError is ValidationError validation && validation.Number is { } rule)
            extensions["rule"] = rule;

        var message = executionError is UnhandledError && !_expose
            ? code == ErrorCodes.ServiceUnavailable ? "A store this service depends on did not answer; try again." : "Internal server error."
            : info.Message;
        return new ErrorInfo { Message = message, Extensions = extensions };
    }
}
