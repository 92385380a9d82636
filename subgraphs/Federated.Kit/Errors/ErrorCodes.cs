using Npgsql;
using StackExchange.Redis;

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

    /// <summary>
    /// Redis up but refusing for now: a replica promoted (READONLY), loading its data, out of
    /// memory, busy with a script, its primary gone, too few replicas for its
    /// min-replicas-to-write (NOREPLICAS), its last snapshot failed (MISCONF).
    /// </summary>
    private static readonly string[] RedisRefusalsForNow = ["READONLY", "LOADING", "OOM", "BUSY", "MASTERDOWN", "NOREPLICAS", "MISCONF"];

    /// <summary>Whether the failure is a store that could not be reached or did not answer in time, not a fault of the request or the code.</summary>
    public static bool IsStoreUnavailable(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is RedisConnectionException or RedisTimeoutException or NpgsqlException { IsTransient: true })
                return true;
            if (current is RedisServerException { Message: var refusal } && RedisRefusalsForNow.Any(r => refusal.StartsWith(r, StringComparison.Ordinal)))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the failure is a Redis command sent and not answered in time: Redis stalled, not
    /// down, may still run it, so a write that is not safe to repeat may yet take effect
    /// although its caller was told it failed.
    /// </summary>
    public static bool SentButUnanswered(Exception exception) =>
        exception is RedisTimeoutException { Commandstatus: CommandStatus.Sent };
}
