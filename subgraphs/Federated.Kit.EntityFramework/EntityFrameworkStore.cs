using Federated.Kit.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Federated.Kit.EntityFramework;

public static class EntityFrameworkStore
{
    public const string MigrationsHistoryTable = "__ef_migrations_history";

    /// <summary>
    /// An EF Core context factory on the service's own database (the kit's pooled data
    /// source), its tables in a schema named after the service. Resolvers create a short-lived
    /// context per unit of work: DataLoaders of one request run concurrently, and a DbContext
    /// must not. The contexts are pooled: a new one costs a reset, not the setup of its
    /// internal services (a checkout profile found that setup in 6% of the orders service's CPU).
    /// Pending migrations are applied before the service starts listening.
    /// </summary>
    public static IHostApplicationBuilder AddEntityFrameworkStore<TContext>(this IHostApplicationBuilder builder, string schemaName)
        where TContext : DbContext
    {
        builder.AddPostgresStore();
        builder.Services.AddPooledDbContextFactory<TContext>((sp, options) => Configure(options, sp.GetRequiredService<NpgsqlDataSource>(), schemaName));
        builder.Services.AddSingleton<IStartupTask>(sp => new ApplyMigrations<TContext>(sp, schemaName));
        return builder;
    }

    /// <summary>The provider settings, shared with the design-time factory that generates migrations.</summary>
    public static DbContextOptionsBuilder Configure(DbContextOptionsBuilder options, NpgsqlDataSource dataSource, string schemaName) =>
        options.UseNpgsql(dataSource, npgsql => npgsql.MigrationsHistoryTable(MigrationsHistoryTable, schemaName));

    private sealed class ApplyMigrations<TContext>(IServiceProvider services, string schemaName) : IStartupTask where TContext : DbContext
    {
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            // A context of its own (logging through the application's loggers, as the pooled
            // ones do), whose failed commands are logged at Debug: EF Core reads the migrations'
            // history before it creates its table, and logs that read failing on a new database
            // as an error (dotnet/efcore#37328), so every first start (the quick start's, a first
            // deploy's) printed "Failed executing DbCommand" for nothing. A migration that does
            // fail is logged below, and fails the start.
            var options = new DbContextOptionsBuilder<TContext>();
            Configure(options, services.GetRequiredService<NpgsqlDataSource>(), schemaName)
                .UseApplicationServiceProvider(services)
                .ConfigureWarnings(warnings => warnings.Log((RelationalEventId.CommandError, LogLevel.Debug)));
            await using var db = ActivatorUtilities.CreateInstance<TContext>(services, options.Options);
            // No command timeout, as for the other start-up schema work: an index built over a
            // large table takes what it takes, and a build cut off at 30 s would fail every start.
            db.Database.SetCommandTimeout(0);
            try
            {
                await db.Database.MigrateAsync(cancellationToken);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(EntityFrameworkStore))
                    .LogCritical(ex, "Applying the {Context} migrations failed; the service does not start", typeof(TContext).Name);
                throw;
            }
        }
    }
}
