using Microsoft.Extensions.DependencyInjection;

namespace Federated.Kit.Hosting;

/// <summary>
/// Work that must finish before a service accepts traffic: schema migrations, then the
/// demo seed. Tasks run in registration order, before the server starts listening, so a
/// ready service is always a migrated and seeded one.
/// </summary>
public interface IStartupTask
{
    Task RunAsync(CancellationToken cancellationToken);
}

public static class StartupTaskExtensions
{
    public static IServiceCollection AddStartupTask<T>(this IServiceCollection services) where T : class, IStartupTask =>
        services.AddSingleton<IStartupTask, T>();
}
