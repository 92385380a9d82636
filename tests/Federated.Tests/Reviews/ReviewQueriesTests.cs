using System.Globalization;
using System.Text.Json;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Reviews;

[Collection(FederatedCollection.Name)]
public sealed class ReviewQueriesTests(FederatedStack stack)
{
    private const string ReviewQuery = $"query($id: ID!) {{ review(id: $id) {{ {ReviewsQueries.ReviewFields} }} }}";

    [Fact]
    public async Task Review_ReturnsAllFields_WhenIdExists()
    {
        var review = (await stack.PostAsync(ServiceNames.Reviews, ReviewQuery, new { id = "rev-00000001" })).Data.GetProperty("review");

        Assert.Equal("rev-00000001", review.Id());
        Assert.StartsWith("prod-", review.GetProperty("product").Id());
        Assert.StartsWith("user-", review.GetProperty("author").Id());
        Assert.InRange(review.Rating(), 1, 5);
        Assert.False(string.IsNullOrWhiteSpace(review.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(review.GetProperty("body").GetString()));
        Assert.True(review.GetProperty("verifiedPurchase").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(review.GetProperty("helpfulVotes").GetInt32() >= 0);
        var createdAt = DateTimeOffset.Parse(review.GetProperty("createdAt").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.Zero, createdAt.Offset);
        Assert.InRange(createdAt, new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Review_IsTheSameAsInItsProductsReviews()
    {
        var product = (await stack.ProductEntitiesAsync(["prod-0000002"], $"reviews(first: 1) {{ nodes {{ {ReviewsQueries.ReviewFields} }} }}"))[0];
        var listed = product.GetProperty("reviews").GetProperty("nodes")[0];

        var review = (await stack.PostAsync(ServiceNames.Reviews, ReviewQuery, new { id = listed.Id() })).Data.GetProperty("review");

        Assert.Equal(listed.GetRawText(), review.GetRawText());
    }

    [Theory]
    [InlineData("rev-99999999")]
    [InlineData("")]
    public async Task Review_ReturnsNull_WhenIdIsUnknown(string id)
    {
        var response = await stack.PostAsync(ServiceNames.Reviews, ReviewQuery, new { id });

        Assert.Equal(JsonValueKind.Null, response.Data.GetProperty("review").ValueKind);
    }

    [Fact]
    public async Task Entities_ReturnsReviewsInRepresentationOrder_WithNullForUnknownIds()
    {
        var response = await stack.PostAsync(ServiceNames.Reviews,
            "query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Review { id rating } } }",
            ReviewsQueries.Representations("Review", ["rev-00000010", "rev-99999999", "rev-00000002"]));

        var entities = response.Data.GetProperty("_entities");
        Assert.Equal("rev-00000010", entities[0].Id());
        Assert.Equal(JsonValueKind.Null, entities[1].ValueKind);
        Assert.Equal("rev-00000002", entities[2].Id());
    }
}
