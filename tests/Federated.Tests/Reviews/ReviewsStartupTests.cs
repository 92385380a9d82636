using System.Globalization;
using System.Text.Json;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Reviews;

/// <summary>How reviews instances start on one database: a scale-out, a first deploy with two replicas, a load cut short.</summary>
[Collection(FederatedCollection.Name)]
public sealed class ReviewsStartupTests(FederatedStack stack)
{
    private const string Reviewed = "query($id: ID!) { review(id: $id) { id rating title body createdAt product { id } author { id } } }";

    private static Dictionary<string, string> Settings(FederatedStack stack, string database, int reviews) => new()
    {
        ["ConnectionStrings__Postgres"] = stack.Settings.PostgresConnectionString(database),
        ["Seed__Reviews"] = reviews.ToString(CultureInfo.InvariantCulture),
    };

    private static string Id(int index) => $"rev-{index:D8}";

    private async Task<JsonElement> ReviewAsync(string instance, int index)
    {
        var answer = await stack.PostAsync(instance, Reviewed, new { id = Id(index) });
        Assert.Empty(answer.ErrorCodes);
        return answer.Data.GetProperty("review");
    }

    /// <summary>
    /// Two instances starting together on a new database both start, with the demo reviews
    /// loaded once. Before, both found the store empty and loaded them; the second failed on
    /// the first one's rows and exited.
    /// </summary>
    [Fact]
    public async Task TwoInstancesStartingTogether_OnANewDatabase_BothStart_WithTheReviewsLoadedOnce()
    {
        const string database = "reviews_two_starts_test";
        const int reviews = 3000;
        string[] instances = ["reviews-first-start", "reviews-second-start"];
        await TestDatabases.RecreateAsync(stack.Settings, [database], CancellationToken.None);

        using var started = await stack.StartTogetherAsync(ServiceNames.Reviews, instances, Settings(stack, database, reviews));

        foreach (var instance in instances)
        {
            Assert.Equal(Id(reviews), (await ReviewAsync(instance, reviews)).GetProperty("id").GetString());
            Assert.Equal(JsonValueKind.Null, (await ReviewAsync(instance, reviews + 1)).ValueKind);
        }
    }

    /// <summary>
    /// An instance starting while another transaction writes reviews starts without waiting for
    /// it: the composite indexes are created only when missing. Before, every start took the
    /// table's SHARE lock (create index if not exists), waiting for every open write, with
    /// every new review and vote queued behind it.
    /// </summary>
    [Fact]
    public async Task AnInstanceStartingBesideAnOpenWrite_DoesNotWaitForIt()
    {
        using var instance = await stack.StartBesideOpenWritesAsync(ServiceNames.Reviews, "reviews-beside-writes", "reviews.mt_doc_review");

        Assert.Empty((await stack.PostAsync("reviews-beside-writes", "{ __typename }")).ErrorCodes);
    }

    /// <summary>
    /// A demo load cut short (here: the first start loaded 1,000 of the reviews a later start
    /// is configured for) is finished by the next start, with the same reviews a whole load
    /// makes, and the ones already there left as they were. Before, a store holding any review
    /// was taken as loaded: the rest never came.
    /// </summary>
    [Fact]
    public async Task ADemoLoadCutShort_IsFinishedByTheNextStart_WithTheReviewsAWholeLoadMakes()
    {
        const string database = "reviews_cut_short_test";
        const string whole = "reviews_whole_load_test";
        await TestDatabases.RecreateAsync(stack.Settings, [database, whole], CancellationToken.None);

        JsonElement before;
        using (await stack.StartInstanceAsync(ServiceNames.Reviews, "reviews-cut-short", Settings(stack, database, 1000)))
        {
            before = await ReviewAsync("reviews-cut-short", 1000);
            Assert.Equal(JsonValueKind.Null, (await ReviewAsync("reviews-cut-short", 1001)).ValueKind);
        }

        using var finished = await stack.StartInstanceAsync(ServiceNames.Reviews, "reviews-finished", Settings(stack, database, 2500));
        using var reference = await stack.StartInstanceAsync(ServiceNames.Reviews, "reviews-whole", Settings(stack, whole, 2500));

        Assert.Equal(before.GetRawText(), (await ReviewAsync("reviews-finished", 1000)).GetRawText());
        foreach (var index in new[] { 1, 1001, 1999, 2500 })
            Assert.Equal((await ReviewAsync("reviews-whole", index)).GetRawText(), (await ReviewAsync("reviews-finished", index)).GetRawText());
        Assert.Equal(JsonValueKind.Null, (await ReviewAsync("reviews-finished", 2501)).ValueKind);
    }
}
