using Federated.Tests.Infrastructure;

namespace Federated.Tests.Reviews;

/// <summary>Reviews on the users service's User, resolved through <c>_entities</c>.</summary>
[Collection(FederatedCollection.Name)]
public sealed class UserReviewsTests(FederatedStack stack)
{
    [Fact]
    public async Task UserReviews_ReturnsEveryReviewTheUserWrote_AndNoOther()
    {
        var review = (await stack.PostAsync(ServiceNames.Reviews, "{ review(id: \"rev-00000001\") { id author { id } } }")).Data.GetProperty("review");
        var author = review.GetProperty("author").Id();

        var reviews = await stack.AllReviewsAsync("User", author, pageSize: 5);

        Assert.Contains(reviews, r => r.Id() == "rev-00000001");
        Assert.All(reviews, r => Assert.Equal(author, r.GetProperty("author").Id()));
        Assert.Equal(reviews.Count, reviews.Select(r => r.Id()).Distinct().Count());
    }

    [Fact]
    public async Task UserReviews_ReturnsEmptyConnection_WhenUserWroteNothing()
    {
        var user = (await stack.UserEntitiesAsync(["user-unknown"], "id reviews { nodes { id } pageInfo { hasNextPage } }"))[0];

        Assert.Equal("user-unknown", user.Id());
        Assert.Empty(user.GetProperty("reviews").GetProperty("nodes").EnumerateArray());
    }

    [Fact]
    public async Task UserReviews_CostOneBatch_ForTwentyUsers()
    {
        var ids = Enumerable.Range(1, 20).Select(i => $"user-{i:D6}").ToList();

        var (users, delta) = await stack.MeasureAsync(
            () => stack.UserEntitiesAsync(ids, "id reviews(first: 2) { nodes { id author { id } } }"),
            ServiceNames.Reviews);

        Assert.Equal(ids, users.Select(u => u.Id()));
        Assert.All(users, u => Assert.All(u.GetProperty("reviews").GetProperty("nodes").EnumerateArray(),
            r => Assert.Equal(u.Id(), r.GetProperty("author").Id())));
        var counters = delta[ServiceNames.Reviews];
        Assert.True(counters.Batches("ReviewsByAuthorDataLoader") == 1, $"Expected one ReviewsByAuthorDataLoader batch: {counters}");
        Assert.True(counters.StoreRoundTrips == 1, $"Expected 1 store round trip: {counters}");
    }
}
