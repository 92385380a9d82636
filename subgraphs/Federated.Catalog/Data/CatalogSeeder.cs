using Bogus;
using Federated.Catalog.Inventory;
using Federated.Kit.Hosting;
using Federated.Kit.Seeding;
using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Core;

namespace Federated.Catalog.Data;

/// <summary>Loads the deterministic demo catalog (products, variants, stock) into an empty store.</summary>
public sealed class CatalogSeeder(IDocumentStore store, NpgsqlDataSource dataSource, IConfiguration configuration, ILogger<CatalogSeeder> logger) : IStartupTask
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using (var session = store.QuerySession())
        {
            if (await session.Query<ProductVariant>().AnyAsync(cancellationToken))
                return;
            if (await session.Query<Product>().AnyAsync(cancellationToken))
            {
                // A demo database from before variants existed: its products have no price source.
                logger.LogWarning("The demo catalog predates variants; seeding it again");
                await store.Advanced.Clean.DeleteAllDocumentsAsync(cancellationToken);
                await using var truncate = dataSource.CreateCommand($"truncate {InventoryTable.Name}");
                await truncate.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        var count = DemoData.Products(configuration);
        logger.LogInformation("Seeding the demo catalog: {Count} products", count);
        var categories = DemoCategories.Build();
        await store.BulkInsertAsync(categories, BulkInsertMode.InsertsOnly, 1000, cancellationToken);

        var leaves = categories.Where(c => c.ParentId is not null).ToArray();
        var faker = new Faker { Random = new Randomizer(DemoData.RandomSeed) };
        // Variants, images and stock draw from their own generator, so products keep the
        // names and prices they had before variants existed.
        var variantFaker = new Faker { Random = new Randomizer(DemoData.RandomSeed + 1) };
        var brands = Enumerable.Range(0, 60).Select(_ => faker.Company.CompanyName(0).Split(' ')[0]).Distinct().ToArray();
        var epoch = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        const int chunk = 10_000;
        for (var start = 1; start <= count; start += chunk)
        {
            var products = new List<Product>(chunk);
            var variants = new List<ProductVariant>(chunk * 3);
            var stock = new List<DemoStock.Row>(chunk * 9);
            for (var i = start; i < start + chunk && i <= count; i++)
            {
                var category = faker.PickRandom(leaves);
                var brand = faker.PickRandom(brands);
                var product = new Product
                {
                    Id = DemoData.ProductId(i),
                    Name = $"{brand} {faker.Commerce.ProductAdjective()} {DemoCategories.Noun(category)}",
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
            await store.BulkInsertAsync(products, BulkInsertMode.InsertsOnly, 1000, cancellationToken);
            await store.BulkInsertAsync(variants, BulkInsertMode.InsertsOnly, 1000, cancellationToken);
            await CopyStockAsync(stock, cancellationToken);
            logger.LogInformation("Seeded {Done}/{Count} products", Math.Min(start + chunk - 1, count), count);
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
}
