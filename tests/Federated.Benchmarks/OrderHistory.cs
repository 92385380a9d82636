using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Npgsql;

namespace Federated.Benchmarks;

/// <summary>
/// The orders database a checkout run starts from: a copy of <see cref="Template"/>, which holds
/// finished orders (<see cref="OrderHistoryGenerator"/>), so that placement, the orders tables'
/// indexes and the queries over them work on data of a realistic size rather than on the run's
/// own few tens of thousands of orders. Building a million orders takes minutes and gigabytes,
/// so the template is kept between runs and built again only when it no longer matches: another
/// size, another generator, or other migrations than the orders service's source holds. A copy
/// is new each run all the same: a run's scheduled work must not come due in the next one.
/// </summary>
public sealed partial class OrderHistory(StackSettings settings)
{
    public const int DefaultOrders = 1_000_000;

    public const string Template = "orders_bench_history";

    /// <summary>
    /// Makes <see cref="GatewayStack.OrdersDatabase"/> anew: a copy of the template, built first
    /// if it does not match (<paramref name="migrate"/> starts the orders service on a database
    /// until its migrations are applied), or an empty database for no history.
    /// </summary>
    public async Task PrepareAsync(int orders, Func<string, CancellationToken, Task> migrate, CancellationToken cancellationToken)
    {
        if (orders > 0)
            await EnsureTemplateAsync(orders, migrate, cancellationToken);
        var clock = Stopwatch.StartNew();
        await settings.RecreateDatabaseAsync(GatewayStack.OrdersDatabase, cancellationToken, template: orders == 0 ? null : Template);
        Console.WriteLine(orders == 0
            ? $"benchmark: orders use a new, empty database, {GatewayStack.OrdersDatabase} (no order history)"
            : $"benchmark: orders use a new copy of {Template}, {GatewayStack.OrdersDatabase}, made in {clock.Elapsed.TotalSeconds:N1} s");
    }

    private async Task EnsureTemplateAsync(int orders, Func<string, CancellationToken, Task> migrate, CancellationToken cancellationToken)
    {
        var migrations = OrdersMigrations();
        var fingerprint = Fingerprint();
        if (await MismatchAsync(orders, fingerprint, migrations, cancellationToken) is not { } mismatch)
        {
            Console.WriteLine($"benchmark: {Template} holds {orders:N0} orders of history (generator {fingerprint[..12]}, migrations to {migrations[^1]}); reusing it");
            return;
        }
        Console.WriteLine($"benchmark: building {Template} with {orders:N0} orders of history because {mismatch}");
        var clock = Stopwatch.StartNew();
        await settings.RecreateDatabaseAsync(Template, cancellationToken);
        Console.WriteLine($"benchmark: migrating {Template}: starting the orders service on it");
        await migrate(Template, cancellationToken);
        await using (var template = await settings.OpenUnpooledAsync(Template, cancellationToken))
        {
            // The message store goes: the migrating instance, killed, left its node registered, a
            // dead node each copy's instance would first have to find out about. The service
            // creates the schema on a database without it, as on a new one.
            await template.ExecuteAsync($"drop schema {WolverineSchema} cascade", cancellationToken);
            var variants = await CatalogVariant.ReadAsync(settings, cancellationToken);
            if (!variants.FromCatalog)
                Console.WriteLine($"benchmark: the catalog holds no products: the history's lines name made-up products in the demo's SKU format");
            await new OrderHistoryGenerator(template).FillAsync(orders, variants.Variants, cancellationToken);
            // Frozen and analyzed once here rather than in every copy: the planner knows the
            // tables' sizes from the first statement, and no copy's anti-wraparound vacuum of
            // gigabytes can start in the middle of a measurement.
            Console.WriteLine("benchmark: history written; vacuum (freeze, analyze)");
            await template.ExecuteAsync("vacuum (freeze, analyze)", cancellationToken);
            // Last: a build cut short before this has no row, and is built again.
            await template.ExecuteAsync($"""
                create table {Record} (orders integer not null, fingerprint text not null, catalog_lines boolean not null, built_at timestamptz not null default now());
                insert into {Record} (orders, fingerprint, catalog_lines) values ({orders}, '{fingerprint}', {(variants.FromCatalog ? "true" : "false")})
                """, cancellationToken);
            await using var size = new NpgsqlCommand("select pg_database_size(current_database())", template);
            Console.WriteLine($"benchmark: {Template} built in {clock.Elapsed.TotalMinutes:N1} min, {(long)(await size.ExecuteScalarAsync(cancellationToken))! / 1e9:N2} GB");
        }
    }

    /// <summary>The template's own record: the history's size and generator.</summary>
    private const string Record = "public.bench_history";

    /// <summary>OrdersMessaging.StoreSchema (the benchmark does not load the orders assembly).</summary>
    private const string WolverineSchema = "wolverine";

    /// <summary>
    /// A hash of what makes the history: the generator's SQL and constants, and the simulated provider's source
    /// (its tables are made by the service at start-up, not by a migration, so a change to them is
    /// not in the migrations' list).
    /// </summary>
    private static string Fingerprint()
    {
        var provider = RepoPaths.InRepo("subgraphs", "Federated.Orders", "Payments", "SimulatedPaymentProvider.cs");
        var text = OrderHistoryGenerator.Recipe + "\n" + File.ReadAllText(provider);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>Why the template cannot be used for <paramref name="orders"/> orders of history; null when it can.</summary>
    private async Task<string?> MismatchAsync(int orders, string fingerprint, IReadOnlyList<string> migrations, CancellationToken cancellationToken)
    {
        if (!await settings.DatabaseExistsAsync(Template, cancellationToken))
            return "it does not exist";
        await using var template = await settings.OpenUnpooledAsync(Template, cancellationToken);
        await using (var record = new NpgsqlCommand($"select to_regclass('{Record}') is not null", template))
        {
            if (await record.ExecuteScalarAsync(cancellationToken) is not true)
                return "its build was not finished";
        }
        // Read as JSON: a record written by an earlier benchmark may have other columns.
        await using (var record = new NpgsqlCommand($"select to_jsonb(r)::text from {Record} r", template))
        {
            if (await record.ExecuteScalarAsync(cancellationToken) is not string text)
                return "its build was not finished";
            using var json = JsonDocument.Parse(text);
            var built = json.RootElement;
            if (!built.TryGetProperty("fingerprint", out var made) || made.GetString() != fingerprint)
                return "its history was made by another generator (the generator's SQL or constants, or the simulated provider's source, changed)";
            if (built.GetProperty("orders").GetInt32() != orders)
                return $"it holds {built.GetProperty("orders").GetInt32():N0} orders of history";
            if (!built.GetProperty("catalog_lines").GetBoolean() && (await CatalogVariant.ReadAsync(settings, cancellationToken)).FromCatalog)
                return "its order lines name made-up variants (it was built while the catalog held no product), and the catalog now holds products";
        }
        // What the service applied, against what its source holds: a new migration would
        // otherwise be applied to a million rows by the first instance of every run.
        List<string> applied = [];
        await using (var history = new NpgsqlCommand("""select "MigrationId" from orders.__ef_migrations_history order by 1""", template))
        await using (var reader = await history.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                applied.Add(reader.GetString(0));
        }
        return applied.SequenceEqual(migrations)
            ? null
            : $"its orders schema has migrations to {(applied.Count == 0 ? "none" : applied[^1])} ({applied.Count}), the orders service's source to {migrations[^1]} ({migrations.Count})";
    }

    /// <summary>The orders service's EF Core migrations, in order, by their source files' names (the benchmark builds that service but does not load it).</summary>
    private static List<string> OrdersMigrations()
    {
        var folder = RepoPaths.InRepo("subgraphs", "Federated.Orders", "Data", "Migrations");
        var migrations = Directory.GetFiles(folder, "*.cs").Select(Path.GetFileNameWithoutExtension).OfType<string>()
            .Where(name => MigrationName().IsMatch(name)).Order(StringComparer.Ordinal).ToList();
        return migrations.Count > 0 ? migrations : throw new BenchmarkException($"no migrations in {folder}");
    }

    /// <summary>"20261127202133_Initial", not its ".Designer" half nor the model snapshot.</summary>
    [GeneratedRegex(@"^\d{14}_\w+$")]
    private static partial Regex MigrationName();
}
