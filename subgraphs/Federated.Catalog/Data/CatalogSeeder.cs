using Bogus;
using Federated.Kit.Hosting;
using Federated.Kit.Seeding;
using Marten;
using Weasel.Core;

namespace Federated.Catalog.Data;

/// <summary>Loads the deterministic demo catalog into an empty store.</summary>
public sealed class CatalogSeeder(IDocumentStore store, IConfiguration configuration, ILogger<CatalogSeeder> logger) : IStartupTask
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using (var session = store.QuerySession())
        {
            if (await session.Query<Product>().AnyAsync(cancellationToken))
                return;
        }

        var count = DemoData.Products(configuration);
        logger.LogInformation("Seeding the demo catalog: {Count} products", count);
        var categories = DemoCategories.Build();
        await store.BulkInsertAsync(categories, BulkInsertMode.InsertsOnly, 1000, cancellationToken);

        var leaves = categories.Where(c => c.ParentId is not null).ToArray();
        var faker = new Faker { Random = new Randomizer(DemoData.RandomSeed) };
        var brands = Enumerable.Range(0, 60).Select(_ => faker.Company.CompanyName(0).Split(' ')[0]).Distinct().ToArray();
        var epoch = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        const int chunk = 10_000;
        for (var start = 1; start <= count; start += chunk)
        {
            var products = new List<Product>(chunk);
            for (var i = start; i < start + chunk && i <= count; i++)
            {
                var category = faker.PickRandom(leaves);
                var brand = faker.PickRandom(brands);
                products.Add(new Product
                {
                    Id = DemoData.ProductId(i),
                    Name = $"{brand} {faker.Commerce.ProductAdjective()} {DemoCategories.Noun(category)}",
                    Description = $"{faker.Commerce.ProductDescription()} Made of {faker.Commerce.ProductMaterial().ToLowerInvariant()}.",
                    Brand = brand,
                    CategoryId = category.Id,
                    Price = faker.Random.Int(4, 899) + faker.PickRandom(0.99m, 0.49m, 0.00m),
                    CurrencyCode = "USD",
                    CreatedAt = epoch.AddMinutes(faker.Random.Int(0, 60 * 24 * 700)),
                });
            }
            await store.BulkInsertAsync(products, BulkInsertMode.InsertsOnly, 1000, cancellationToken);
            logger.LogInformation("Seeded {Done}/{Count} products", Math.Min(start + chunk - 1, count), count);
        }
    }
}
