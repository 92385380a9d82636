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

    /// <summary>
    /// One instance at a time (<see cref="PostgresStore.OneAtATimeAsync"/>): two instances
    /// starting together on a new database both created the tables, and one failed on the
    /// other's index ("already exists"); Marten's own lock waits only briefly.
    /// </summary>
    private sealed class ApplySchemaChanges(IDocumentStore store, NpgsqlDataSource dataSource) : IStartupTask
    {
        public Task RunAsync(CancellationToken cancellationToken) =>
            dataSource.OneAtATimeAsync($"{store.Options.DatabaseSchemaName}.marten_schema",
                () => store.Storage.ApplyAllConfiguredChangesToDatabaseAsync(), cancellationToken);
    }
}
