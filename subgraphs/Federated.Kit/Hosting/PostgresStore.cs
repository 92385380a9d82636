using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Federated.Kit.Hosting;

public static class PostgresStore
{
    /// <summary>
    /// The key of a second data source whose statements are planned for each call's values
    /// (<c>plan_cache_mode=force_custom_plan</c>), for queries whose best plan depends on the
    /// values: the catalog's search. Everything else uses the plain data source, where a
    /// prepared statement is planned once for all values: planning every call had made
    /// planning 40% of PostgreSQL's CPU under checkout load.
    /// </summary>
    public const string PlannedPerCall = "planned-per-call";

    /// <summary>
    /// The statistics target of every column of a table that grows by rows with every order
    /// (the orders, their lines, payments and parcels, the catalog's reservations). ANALYZE
    /// reads 300 rows per unit of a table's largest target: 3,000 here, against 30,000 at
    /// PostgreSQL's default of 100, which for the orders table of a million orders took 560 ms
    /// of a core, came due about every 70 s at 280 orders a second, and made a slow second for
    /// the checkouts under way; at 10 it takes 33 ms. Those tables are read by key or by partial
    /// indexes, whose plans do not turn on the finer distribution.
    /// </summary>
    public const int SampledStatisticsTarget = 10;

    /// <summary>
    /// A DO block setting <see cref="SampledStatisticsTarget"/> on every column of
    /// <paramref name="tables"/> (schema-qualified) not at it yet: run at every start, it alters
    /// a column once, and after that takes no lock (an autovacuum worker's would hold it up).
    /// </summary>
    public static string SampledStatisticsSql(params string[] tables) => $$"""
        do $$
        declare
          t regclass;
          c name;
        begin
          for t, c in
            select a.attrelid::regclass, a.attname from pg_attribute a
            where a.attrelid = any(array[{{string.Join(", ", tables.Select(t => $"'{t.Replace("'", "''")}'::regclass"))}}])
              and a.attnum > 0 and not a.attisdropped
              and a.attstattarget is distinct from {{SampledStatisticsTarget}}
          loop
            execute format('alter table %s alter column %I set statistics {{SampledStatisticsTarget}}', t, c);
          end loop;
        end $$;
        """;

    /// <summary>
    /// Start-up DDL for an index: <c>create index if not exists</c>, run only when the index is
    /// missing. The statement alone locks the table against writes (SHARE) before it finds the
    /// index there, so every start of every instance waited for the transactions writing the
    /// table, and held up every write behind it meanwhile. <paramref name="definition"/> follows
    /// the table's name: <c>(a, b)</c>, <c>using gin (c)</c>, <c>(d) where e is null</c>.
    /// </summary>
    public static string CreateIndexIfMissingSql(string name, string table, string definition) => $$"""
        do $$ begin
          if to_regclass('{{table[..(table.IndexOf('.') + 1)]}}{{name}}') is null then
            create index if not exists {{name}} on {{table}} {{definition}};
          end if;
        end $$;
        """;

    /// <summary>
    /// Start-up DDL for a trigger: <paramref name="create"/> (its CREATE TRIGGER statement), run
    /// only when <paramref name="table"/> has no trigger <paramref name="name"/>. Creating or
    /// replacing a trigger locks the table against writes (SHARE ROW EXCLUSIVE) whether or not
    /// anything changes. Its function, replaced at every start, takes no lock on the table; a
    /// trigger whose definition changes needs another name (or a migration).
    /// </summary>
    public static string CreateTriggerIfMissingSql(string name, string table, string create) => $$"""
        do $$ begin
          if not exists (select from pg_trigger where tgrelid = '{{table}}'::regclass and tgname = '{{name}}' and not tgisinternal) then
            {{create}};
          end if;
        end $$;
        """;

    /// <summary>
    /// Start-up DDL for a column added since a table was first made: <c>add column if not
    /// exists</c>, run only when the column is missing. The statement alone takes the table's
    /// ACCESS EXCLUSIVE lock, against reads too, before it finds the column there, so every
    /// start waited for the transactions using the table, and held up every query of it meanwhile.
    /// </summary>
    public static string AddColumnIfMissingSql(string table, string column, string definition) => $$"""
        do $$ begin
          if not exists (select from pg_attribute where attrelid = '{{table}}'::regclass and attname = '{{column}}' and attnum > 0 and not attisdropped) then
            alter table {{table}} add column if not exists {{column}} {{definition}};
          end if;
        end $$;
        """;

    /// <summary>
    /// The service's PostgreSQL database as one pooled <see cref="NpgsqlDataSource"/>,
    /// with a readiness check. Marten and EF Core are built on this data source.
    /// </summary>
    public static IHostApplicationBuilder AddPostgresStore(this IHostApplicationBuilder builder)
    {
        // Resolved on first use, so --export-schema needs no database.
        builder.Services.AddSingleton(_ => Build(builder, plannedPerCall: false));
        builder.Services.AddKeyedSingleton(PlannedPerCall, (_, _) => Build(builder, plannedPerCall: true));
        builder.AddReadinessCheck("postgres", async (sp, ct) =>
        {
            await using var command = sp.GetRequiredService<NpgsqlDataSource>().CreateCommand("select 1");
            return await command.ExecuteScalarAsync(ct) is 1;
        });
        return builder;
    }

    /// <summary>
    /// Runs <paramref name="work"/> on one instance at a time, among every instance of every
    /// service on this database: it holds the session advisory lock named
    /// <paramref name="name"/>, waited for as long as the holder takes (a first catalog load
    /// takes most of an hour), on a connection of its own, and gives it back explicitly (a
    /// session's lock would outlive the connection's return to the pool). For start-up work
    /// that instances starting together would otherwise do side by side and fail at.
    /// </summary>
    public static async Task OneAtATimeAsync(this NpgsqlDataSource dataSource, string name, Func<Task> work, CancellationToken cancellationToken)
    {
        await using var turn = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var take = new NpgsqlCommand("select pg_advisory_lock(hashtext($1))", turn) { CommandTimeout = 0 })
        {
            take.Parameters.Add(new NpgsqlParameter { Value = name });
            await take.ExecuteNonQueryAsync(cancellationToken);
        }
        try
        {
            await work();
        }
        finally
        {
            await using var give = new NpgsqlCommand("select pg_advisory_unlock(hashtext($1))", turn);
            give.Parameters.Add(new NpgsqlParameter { Value = name });
            await give.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static NpgsqlDataSource Build(IHostApplicationBuilder builder, bool plannedPerCall)
    {
        var dataSource = new NpgsqlDataSourceBuilder(StoreConnections.Require(builder.Configuration, StoreConnections.Postgres));
        var settings = dataSource.ConnectionStringBuilder;
        // Statements a service runs again and again are prepared on each pooled connection
        // after their second use, so PostgreSQL parses them once, not per call.
        if (settings.MaxAutoPrepare == 0)
            settings.MaxAutoPrepare = 200;
        // The search is parsed once but planned for each call's values: a plan made once for
        // all values made the catalog's misspelled-word search three times slower at p95, its
        // data being anything but uniform. Everything else is planned once per statement and connection:
        // left to choose (PostgreSQL's default), it kept planning every call of the statements
        // that take an array (`id = any($1)`, `unnest($1)`), because a plan for a one-element
        // array always looks cheaper than one for any array. Under checkout load the catalog's
        // statements spent almost as long being planned as running (pg_stat_statements: 2.9 s
        // against 3.3 s in 28 s); the plans made once are the same index scans.
        settings.Options = $"{settings.Options} -c plan_cache_mode={(plannedPerCall ? "force_custom_plan" : "force_generic_plan")}".Trim();
        // No service keeps session state (SET, temporary tables, session advisory locks: the
        // one start-up lock, OneAtATimeAsync, is given back before its connection is) on a
        // pooled connection, so a connection going back to the pool is not reset with
        // DISCARD ALL, which would also drop the prepared statements.
        settings.NoResetOnClose = true;
        // One activity per command or batch: the store round-trip counter counts those,
        // and a pool opening a physical connection is not a query.
        dataSource.ConfigureTracing(t => t.EnablePhysicalOpenTracing(false));
        return dataSource.Build();
    }
}
