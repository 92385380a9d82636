using Federated.Kit.Hosting;
using GraphQL;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Federated.Kit.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// Access-token verification and the per-request <see cref="CurrentUser"/>. The
    /// configuration is checked before the service listens, so a subgraph without keys
    /// fails at start rather than on its first signed-in request.
    /// </summary>
    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<IdentityOptions>(builder.Configuration.GetSection(IdentityOptions.Section));
        builder.Services.AddSingleton<AccessTokenValidator>();
        builder.Services.AddScoped<CurrentUser>();
        builder.Services.AddStartupTask<CheckIdentityConfiguration>();
        return builder;
    }

    /// <summary>The identity of the request a resolver runs for.</summary>
    public static CurrentUser CurrentUser(this IResolveFieldContext context) =>
        context.RequestServices!.GetRequiredService<CurrentUser>();

    private sealed class CheckIdentityConfiguration(IServiceProvider services) : IStartupTask
    {
        public Task RunAsync(CancellationToken cancellationToken)
        {
            services.GetRequiredService<AccessTokenValidator>();
            return Task.CompletedTask;
        }
    }
}
