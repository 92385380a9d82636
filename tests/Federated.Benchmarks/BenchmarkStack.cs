using System.Diagnostics;
using Federated.Catalog.Data;
using Npgsql;

namespace Federated.Benchmarks;

/// <summary>
/// The local stores (eng/stack.sh) and the benchmark's own catalog database. The stores are
/// stopped again at the end only if this run started them: another engineer's run may be using them.
/// </summary>
public sealed class BenchmarkStack : IAsyncDisposable
{
    /// <summary>Its own database, apart from the development and test ones, so a seeded 1M catalog is kept between runs.</summary>
    public const string Database = "catalog_bench";

    private readonly bool _startedStores;

    private BenchmarkStack(StackSettings settings, bool startedStores)
    {
        Settings = settings;
        _startedStores = startedStores;
    }

    public StackSettings Settings { get; }

    public static async Task<BenchmarkStack> StartAsync(CancellationToken cancellationToken)
    {
        var running = await RunScriptAsync(["status"], quiet: true, cancellationToken) == 0;
        if (await RunScriptAsync(["start"], quiet: false, cancellationToken) != 0)
            throw new BenchmarkException("eng/stack.sh start failed");
        return new BenchmarkStack(await StackSettings.ReadAsync(cancellationToken), startedStores: !running);
    }

    /// <summary>
    /// Starts the catalog on <see cref="Database"/>. A database that does not hold a complete seed of
    /// this size (by the current generator) is dropped and made again, and the service seeds it.
    /// </summary>
    public async Task<CatalogService> StartCatalogAsync(int products, CancellationToken cancellationToken)
    {
        var seed = await LastSeedAsync(cancellationToken);
        var reuse = seed is { } s && s.Version == CatalogSeeder.Version && s.Products == products;
        Console.WriteLine(seed switch
        {
            _ when reuse => $"benchmark: {Database} already holds the {products:N0}-product demo catalog; reusing it",
            null => $"benchmark: {Database} holds no complete demo catalog; creating it and seeding {products:N0} products",
            { Version: var v } when v != CatalogSeeder.Version =>
                $"benchmark: {Database} holds a demo catalog of an older generator (version {v}, now {CatalogSeeder.Version}): dropping it and seeding again",
            { Products: var n } => $"benchmark: {Database} holds {n:N0} products, not {products:N0}: dropping it and seeding again",
        });
        if (!reuse)
            await Settings.RecreateDatabaseAsync(Database, cancellationToken);
        return await CatalogService.StartAsync(Settings, Database, products, seeding: !reuse, cancellationToken);
    }

    /// <summary>The generator version and size of the database's last finished seed, or null.</summary>
    private async Task<(int Version, int Products)?> LastSeedAsync(CancellationToken cancellationToken)
    {
        if (!await Settings.DatabaseExistsAsync(Database, cancellationToken))
            return null;
        await using var connection = await Settings.OpenUnpooledAsync(Database, cancellationToken);
        // The seeder writes its row into demo_seed only once the whole load and its indexes are done.
        await using (var table = new NpgsqlCommand("select to_regclass('catalog.demo_seed') is not null", connection))
        {
            if (await table.ExecuteScalarAsync(cancellationToken) is not true)
                return null;
        }
        await using var command = new NpgsqlCommand("select version, products from catalog.demo_seed order by seeded_at desc limit 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt32(0), reader.GetInt32(1)) : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_startedStores)
        {
            Console.WriteLine("benchmark: stopping the stores it started");
            await RunScriptAsync(["stop"], quiet: false, CancellationToken.None);
        }
    }

    private static async Task<int> RunScriptAsync(string[] arguments, bool quiet, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = quiet, RedirectStandardError = quiet };
        startInfo.ArgumentList.Add(RepoPaths.InRepo("eng", "stack.sh"));
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        using var process = Process.Start(startInfo)!;
        if (quiet)
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            await Task.WhenAll(output, errors);
        }
        await process.WaitForExitAsync(cancellationToken);
        return process.ExitCode;
    }
}
