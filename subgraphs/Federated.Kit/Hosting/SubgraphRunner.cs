using Federated.Kit.GraphQL;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Kit.Hosting;

public static class SubgraphRunner
{
    /// <summary>
    /// Runs the service; with <c>--export-schema PATH</c> writes its SDL there instead and
    /// exits without touching any store (eng/export-schema.sh uses this).
    /// </summary>
    public static async Task RunSubgraphAsync(this WebApplication app)
    {
        if (app.Configuration["export-schema"] is { Length: > 0 } path)
        {
            var sdl = await SubgraphRegistration.PrintSdlAsync(app.Services);
            await File.WriteAllTextAsync(path, sdl);
            Console.WriteLine($"Wrote {path}");
            return;
        }
        foreach (var task in app.Services.GetServices<IStartupTask>())
            await task.RunAsync(app.Lifetime.ApplicationStopping);
        await app.RunAsync();
    }
}
