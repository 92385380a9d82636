using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace Federated.Kit.Hosting;

public static class RedisStore
{
    /// <summary>One shared Redis connection (<c>ConnectionStrings:Redis</c>), with a readiness check.</summary>
    public static IHostApplicationBuilder AddRedisStore(this IHostApplicationBuilder builder)
    {
        // Resolved on first use, so --export-schema needs no Redis; reconnects on its own.
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var options = ConfigurationOptions.Parse(StoreConnections.Require(builder.Configuration, StoreConnections.Redis));
            options.AbortOnConnectFail = false;
            return ConnectionMultiplexer.Connect(options);
        });
        builder.AddReadinessCheck("redis", async (sp, _) =>
        {
            await sp.GetRequiredService<IConnectionMultiplexer>().GetDatabase().PingAsync();
            return true;
        });
        return builder;
    }
}
