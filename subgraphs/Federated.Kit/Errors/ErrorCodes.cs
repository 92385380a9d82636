namespace Federated.Kit.Errors;

/// <summary>The stable <c>extensions.code</c> values clients may rely on.</summary>
public static class ErrorCodes
{
    public const string BadRequest = "BAD_REQUEST";
    public const string BadUserInput = "BAD_USER_INPUT";
    public const string InvalidCursor = "INVALID_CURSOR";
    public const string NotFound = "NOT_FOUND";
    public const string Unauthenticated = "UNAUTHENTICATED";
    public const string Forbidden = "FORBIDDEN";
    public const string InternalServerError = "INTERNAL_SERVER_ERROR";
    /// <summary>A store the service depends on (PostgreSQL, Redis) did not answer: worth trying again.</summary>
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
    public const string SyntaxError = "GRAPHQL_PARSE_FAILED";
    public const string ValidationFailed = "GRAPHQL_VALIDATION_FAILED";
}
