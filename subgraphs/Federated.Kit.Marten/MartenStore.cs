using Federated.Kit.Hosting;
using JasperFx;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Federated.Kit.Marten;

public static class MartenStore
{
    /// <summary>
    /// A Marten document store on the service's own database, in a schema named after the
    /// service, with lightweight sessions. Its tables and indexes are brought up to date
    /// before the service starts listening.
    /// </summary>
    public static IHostApplicationBuilder AddMartenStore(this IHostApplicationBuilder builder, string schemaName, Action<StoreOptions> configure)
    {
        builder.AddPostgresStore();
        builder.Services.AddMarten(sp =>
            {
                var options = new StoreOptions();
                options.Connection(sp.GetRequiredService<NpgsqlDataSource>());
                options.DatabaseSchemaName = schemaName;
                options.AutoCreateSchemaObjects = AutoCreate.CreateOrUpdate;
                configure(options);
                return options;
            })
            .UseLightweightSessions();
        builder.Services.AddStartupTask<ApplySchemaChanges>();
        return builder;
    }

    private sealed class ApplySchemaChanges(IDocumentStore store) : IStartupTask
    {
        public Task RunAsync(CancellationToken cancellationToken) =>
            store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
    }
}
