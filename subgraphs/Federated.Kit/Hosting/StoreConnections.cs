using Microsoft.Extensions.Configuration;

namespace Federated.Kit.Hosting;

/// <summary>
/// One convention for store settings across services: <c>ConnectionStrings:Postgres</c>
/// (the service's own database) and <c>ConnectionStrings:Redis</c>, set by the runner
/// (run.sh, the test fixture) from eng/services.env, or by the environment in production.
/// </summary>
public static class StoreConnections
{
    public const string Postgres = "Postgres";
    public const string Redis = "Redis";

    public static string Require(IConfiguration configuration, string name) =>
        configuration.GetConnectionString(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"ConnectionStrings:{name} is not configured. Start the service through ./run.sh, or set ConnectionStrings__{name}.");
}
