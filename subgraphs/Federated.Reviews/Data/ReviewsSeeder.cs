using System.Globalization;
using Bogus;
using Federated.Kit.Hosting;
using Federated.Kit.Seeding;
using Marten;
using Npgsql;
using Weasel.Core;

namespace Federated.Reviews.Data;

/// <summary>
/// Loads deterministic demo reviews for the demo catalog's products into a store that holds
/// no other reviews. One instance at a time (two starting together on a new database both
/// found it empty, and one failed on the other's rows), and a load cut short (the instance
/// stopped between two chunks) is finished by the next start: the reviews come in the order
/// of their ids, the same every time, so it goes on after the last one there. One removed
/// since (moderation) is not loaded again.
/// </summary>
public sealed class ReviewsSeeder(IDocumentStore store, NpgsqlDataSource dataSource, IConfiguration configuration, ILogger<ReviewsSeeder> logger) : IStartupTask
{
    private const string IdPrefix = "rev-";

    // Real review sites skew positive: most reviews are 4 or 5 stars.
    private static readonly int[] Stars = [1, 2, 3, 4, 5];
    private static readonly float[] StarWeights = [0.07f, 0.06f, 0.12f, 0.28f, 0.47f];

    private static string Id(int index) => $"{IdPrefix}{index:D8}";

    public Task RunAsync(CancellationToken cancellationToken) =>
        dataSource.OneAtATimeAsync($"{store.Options.DatabaseSchemaName}.seed", () => SeedAsync(cancellationToken), cancellationToken);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        var count = DemoData.Reviews(configuration);
        var done = 0;
        await using (var session = store.QuerySession())
        {
            var last = await session.Query<Review>().Where(r => r.Id.StartsWith(IdPrefix))
                .OrderByDescending(r => r.Id).Select(r => r.Id).FirstOrDefaultAsync(cancellationToken);
            if (last is not null)
                done = int.Parse(last.AsSpan(IdPrefix.Length), CultureInfo.InvariantCulture);
            // Reviews of the store's own and none of the demo's: not a store to load the demo into.
            else if (await session.Query<Review>().AnyAsync(cancellationToken))
                return;
        }
        if (done >= count)
            return;

        var products = DemoData.Products(configuration);
        var users = DemoData.Users(configuration);
        if (done > 0)
            logger.LogInformation("Finishing the demo reviews' load, cut short at {Done} of {Count}", done, count);
        else
            logger.LogInformation("Seeding {Count} demo reviews over {Products} products", count, products);

        var faker = new Faker { Random = new Randomizer(DemoData.RandomSeed + 1) };
        var now = new DateTimeOffset(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);
        const int chunk = 10_000;
        for (var start = 1; start <= count; start += chunk)
        {
            var reviews = new List<Review>(chunk);
            for (var i = start; i < start + chunk && i <= count; i++)
            {
                var rating = faker.Random.WeightedRandom(Stars, StarWeights);
                var review = new Review
                {
                    Id = Id(i),
                    // A long tail, as in a real store: low product numbers get most reviews.
                    ProductId = DemoData.ProductId(1 + (int)(products * Math.Pow(faker.Random.Double(), 2))),
                    AuthorId = DemoData.UserId(faker.Random.Int(1, users)),
                    Rating = rating,
                    Title = Title(faker, rating),
                    Body = faker.Rant.Review(),
                    VerifiedPurchase = faker.Random.Bool(0.8f),
                    HelpfulVotes = (int)(faker.Random.Double() * faker.Random.Double() * 120),
                    CreatedAt = now.AddMinutes(-faker.Random.Int(0, 60 * 24 * 600)),
                };
                // Made whether or not it is loaded: every review's values come from the one
                // random sequence, so the ones after depend on those before.
                if (i > done)
                    reviews.Add(review);
            }
            if (reviews.Count == 0)
                continue;
            await store.BulkInsertAsync(reviews, BulkInsertMode.InsertsOnly, 1000, cancellationToken);
            logger.LogInformation("Seeded {Done}/{Count} reviews", Math.Min(start + chunk - 1, count), count);
        }
    }

    private static string Title(Faker faker, int rating) => rating switch
    {
        5 => faker.PickRandom("Absolutely love it", "Exceeded my expectations", "Best purchase this year", "Five stars"),
        4 => faker.PickRandom("Very good", "Solid choice", "Happy with it", "Does the job well"),
        3 => faker.PickRandom("It's okay", "Average", "Mixed feelings", "Fine for the price"),
        2 => faker.PickRandom("Disappointed", "Not great", "Expected more"),
        _ => faker.PickRandom("Broke after a week", "Would not buy again", "Terrible"),
    };
}
