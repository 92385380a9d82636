using System.Diagnostics;
using Bogus;
using Federated.Catalog.Inventory;
using Federated.Catalog.Search;
using Federated.Kit.Hosting;
using Federated.Kit.Seeding;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;

namespace Federated.Catalog.Data;

/// <summary>
/// Loads the deterministic demo catalog (products, variants, stock, search index) into an
/// empty store. Built for size: documents and stock go in by binary COPY in chunks, and the
/// search tables are filled by one statement and indexed after the rows are in. Progress is
/// logged with rate and time left, so a 1,000,000-product load is not a silent wait.
/// </summary>
public sealed class CatalogSeeder(IDocumentStore store, NpgsqlDataSource dataSource, IConfiguration configuration, IHostEnvironment environment,
    ILogger<CatalogSeeder> logger) : IStartupTask
{
    /// <summary>Bumped when the generator changes what it makes; an older demo catalog is loaded again (in Development).</summary>
    public const int Version = 3;

    private const int Chunk = 10_000;

    /// <summary>
    /// One instance at a time, for as long as it takes (a 12M-product load takes most of an
    /// hour): instances starting together on a new database both found it empty, and the
    /// second failed on the first one's rows, or, started again, took its half-made load for
    /// an old one and deleted it. The one that waited finds the catalog loaded.
    /// </summary>
    public Task RunAsync(CancellationToken cancellationToken) =>
        dataSource.OneAtATimeAsync(SeedTable, () => SeedAsync(cancellationToken), cancellationToken);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var seeded = await SeededVersionAsync(cancellationToken);
        if (seeded == Version)
        {
            await EnsureSearchIndexAsync(cancellationToken);
            return;
        }

        await using (var session = store.QuerySession())
        {
            if (await session.Query<Product>().AnyAsync(cancellationToken))
            {
                // Loading again deletes every product, edit and stock count the store holds:
                // only where the catalog is known to be a demo's (Development, ./run.sh).
                if (!environment.IsDevelopment())
                {
                    logger.LogWarning("The catalog holds products (demo version {Seeded}, the generator's is {Version}); it is kept as it is. " +
                        "To load the new demo catalog, start on an empty database", seeded, Version);
                    await EnsureSearchIndexAsync(cancellationToken);
                    return;
                }
                logger.LogWarning("The demo catalog was made by an older generator; loading it again");
                await store.Advanced.Clean.DeleteAllDocumentsAsync(cancellationToken);
            }
        }
        await ExecuteAsync($"truncate {InventoryTable.Name}, {SearchTables.Products}, {SearchTables.Terms}; {SearchTables.DropIndexesSql}", cancellationToken);

        var count = DemoData.Products(configuration);
        logger.LogInformation("Seeding the demo catalog: {Count} products", count);
        var clock = Stopwatch.StartNew();
        await LoadDocumentsAndStockAsync(count, cancellationToken);
        logger.LogInformation("Seeded {Count} products with their variants and stock in {Seconds:F1} s; building the search index", count, clock.Elapsed.TotalSeconds);

        await RebuildSearchAsync(cancellationToken);
        await ExecuteAsync($"insert into {SeedTable} (version, products) values ({Version}, {count})", cancellationToken);
        logger.LogInformation("Demo catalog ready: {Count} products in {Seconds:F1} s", count, clock.Elapsed.TotalSeconds);
    }

    private const string SeedTable = CatalogExtensions.ServiceName + ".demo_seed";

    private async Task<int?> SeededVersionAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            create table if not exists {SeedTable} (version integer not null, products integer not null, seeded_at timestamptz not null default now());
            select max(version) from {SeedTable};
            """);
        return await command.ExecuteScalarAsync(cancellationToken) is int version ? version : null;
    }

    /// <summary>A catalog whose search rows were built by an older <see cref="SearchTables.Version"/> (or never) gets them again from its documents.</summary>
    private async Task EnsureSearchIndexAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            create table if not exists {SearchVersionTable} (version integer not null);
            select max(version) from {SearchVersionTable};
            """);
        if (await command.ExecuteScalarAsync(cancellationToken) is int version && version == SearchTables.Version)
            return;
        logger.LogInformation("Building the search index again from the stored products (search version {Version})", SearchTables.Version);
        await RebuildSearchAsync(cancellationToken);
    }

    private const string SearchVersionTable = CatalogExtensions.ServiceName + ".search_version";

    /// <summary>Search rows and vocabulary from the documents, then their indexes, then fresh statistics.</summary>
    private async Task RebuildSearchAsync(CancellationToken cancellationToken)
    {
        var step = Stopwatch.StartNew();
        await ExecuteAsync(SearchTables.DropIndexesSql, cancellationToken);
        await SearchIndex.RebuildAsync(dataSource, cancellationToken);
        logger.LogInformation("Search rows and vocabulary written in {Seconds:F1} s; indexing them", step.Elapsed.TotalSeconds);
        step.Restart();
        await ExecuteAsync(SearchTables.CreateIndexesSql + $"; analyze {SearchTables.Products}; analyze {SearchTables.Terms}; analyze {InventoryTable.Name}", cancellationToken);
        await ExecuteAsync($"create table if not exists {SearchVersionTable} (version integer not null); delete from {SearchVersionTable}; insert into {SearchVersionTable} values ({SearchTables.Version})", cancellationToken);
        logger.LogInformation("Search indexes built in {Seconds:F1} s", step.Elapsed.TotalSeconds);
    }

    private async Task LoadDocumentsAndStockAsync(int count, CancellationToken cancellationToken)
    {
        var categories = DemoCategories.Build();
        await store.BulkInsertAsync(categories, BulkInsertMode.InsertsOnly, 1000, cancellationToken);

        var leaves = categories.Where(c => c.ParentId is not null).ToArray();
        var faker = new Faker { Random = new Randomizer(DemoData.RandomSeed) };
        // Variants, images and stock draw from their own generator, so the products' own
        // fields do not shift when those change.
        var variantFaker = new Faker { Random = new Randomizer(DemoData.RandomSeed + 1) };
        var brands = Enumerable.Range(0, 120).Select(_ => faker.Company.CompanyName(0).Split(' ', '-', ',')[0]).Distinct().ToArray();
        var epoch = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var progress = new SeedProgress(logger, count);

        for (var start = 1; start <= count; start += Chunk)
        {
            var products = new List<Product>(Chunk);
            var variants = new List<ProductVariant>(Chunk * 3);
            var stock = new List<DemoStock.Row>(Chunk * 9);
            for (var i = start; i < start + Chunk && i <= count; i++)
            {
                var category = faker.PickRandom(leaves);
                var brand = faker.PickRandom(brands);
                var product = new Product
                {
                    Id = DemoData.ProductId(i),
                    Name = DemoNames.For(faker, brand, category),
                    Description = $"{faker.Commerce.ProductDescription()} Made of {faker.Commerce.ProductMaterial().ToLowerInvariant()}.",
                    Brand = brand,
                    CategoryId = category.Id,
                    Price = faker.Random.Int(4, 899) + faker.PickRandom(0.99m, 0.49m, 0.00m),
                    CurrencyCode = "USD",
                    CreatedAt = epoch.AddMinutes(faker.Random.Int(0, 60 * 24 * 700)),
                };
                var productVariants = DemoVariants.For(variantFaker, i, product, category);
                DemoVariants.Describe(variantFaker, product);
                product.PriceFrom(productVariants);
                products.Add(product);
                variants.AddRange(productVariants);
                stock.AddRange(DemoStock.For(variantFaker, productVariants));
            }
            await store.BulkInsertAsync(products, BulkInsertMode.InsertsOnly, Chunk, cancellationToken);
            await store.BulkInsertAsync(variants, BulkInsertMode.InsertsOnly, Chunk * 3, cancellationToken);
            await CopyStockAsync(stock, cancellationToken);
            progress.Report(Math.Min(start + Chunk - 1, count));
        }
    }

    private async Task CopyStockAsync(List<DemoStock.Row> rows, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var importer = await connection.BeginBinaryImportAsync(
            $"copy {InventoryTable.Name} (sku, fulfillment_center, product_id, on_hand, reserved) from stdin (format binary)", cancellationToken);
        foreach (var row in rows)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(row.Sku, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.FulfillmentCenter, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.ProductId, NpgsqlDbType.Text, cancellationToken);
            await importer.WriteAsync(row.OnHand, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(row.Reserved, NpgsqlDbType.Integer, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
