using System.Text.Json;
using Federated.Tests.Infrastructure;
using Federated.Tests.Reviews;

namespace Federated.Tests.Gateway;

/// <summary>The storefront's product list through the reference gateway: correct data, and batched subgraph work.</summary>
[Collection(FederatedCollection.Name)]
public sealed class ProductPageTests(FederatedStack stack)
{
    private const string ProductPage = """
        {
          products(first: 50) {
            nodes {
              id
              name
              reviews(first: 3) { nodes { rating title } }
              rating { average count histogram }
            }
          }
        }
        """;

    [Fact]
    public async Task ProductPage_ReturnsTheSubgraphsData()
    {
        var products = (await stack.PostAsync(ServiceNames.Gateway, ProductPage)).Data
            .GetProperty("products").GetProperty("nodes").EnumerateArray().ToList();

        var ids = products.Select(p => p.Id()).ToList();
        var catalog = (await stack.PostAsync(ServiceNames.Catalog, "{ products(first: 50) { nodes { id name } } }")).Data
            .GetProperty("products").GetProperty("nodes").EnumerateArray().ToList();
        var reviews = await stack.ProductEntitiesAsync(ids, "id reviews(first: 3) { nodes { rating title } } rating { average count histogram }");

        Assert.Equal(50, products.Count);
        Assert.Equal(catalog.Select(p => p.Id()), ids);
        for (var i = 0; i < products.Count; i++)
        {
            Assert.Equal(catalog[i].GetProperty("name").GetString(), products[i].GetProperty("name").GetString());
            AssertJsonEqual(reviews[i].GetProperty("reviews"), products[i].GetProperty("reviews"));
            AssertJsonEqual(reviews[i].GetProperty("rating"), products[i].GetProperty("rating"));
            Assert.Equal(3, products[i].GetProperty("reviews").GetProperty("nodes").GetArrayLength());
        }
    }

    [Fact]
    public async Task ProductPage_CostsOneEntitiesRequest_AndOneBatchPerLoader_OnReviews()
    {
        var (response, delta) = await stack.MeasureAsync(
            () => stack.PostAsync(ServiceNames.Gateway, ProductPage),
            ServiceNames.Catalog, ServiceNames.Reviews);

        Assert.Equal(50, response.Data.GetProperty("products").GetProperty("nodes").GetArrayLength());
        var reviews = delta[ServiceNames.Reviews];
        Assert.True(reviews.GraphQLRequests == 1, $"Expected one request to reviews: {reviews}");
        Assert.True(reviews.EntityRequests == 1, $"Expected one _entities request to reviews: {reviews}");
        Assert.True(reviews.Batches("ReviewsByProductDataLoader") == 1, $"Expected one ReviewsByProductDataLoader batch: {reviews}");
        Assert.True(reviews.Batches("RatingByProductDataLoader") == 1, $"Expected one RatingByProductDataLoader batch: {reviews}");
        Assert.True(reviews.StoreRoundTrips == 2, $"Expected 2 store round trips on reviews: {reviews}");
        var catalog = delta[ServiceNames.Catalog];
        Assert.True(catalog.GraphQLRequests == 1, $"Expected one request to catalog: {catalog}");
        Assert.True(catalog.EntityRequests == 0, $"Expected no _entities request to catalog: {catalog}");
    }

    [Fact]
    public async Task ProductDetail_ResolvesReviewProductsBackThroughTheCatalog()
    {
        var product = (await stack.PostAsync(ServiceNames.Gateway, """
            {
              product(id: "prod-0000002") {
                id name price { amount currencyCode }
                reviews(first: 5) { nodes { id rating product { id name } } }
                rating { count }
              }
            }
            """)).Data.GetProperty("product");

        var name = product.GetProperty("name").GetString();
        var reviews = product.GetProperty("reviews").GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal(5, reviews.Count);
        Assert.All(reviews, r =>
        {
            Assert.Equal("prod-0000002", r.GetProperty("product").Id());
            Assert.Equal(name, r.GetProperty("product").GetProperty("name").GetString());
        });
        Assert.Equal(JsonValueKind.String, product.GetProperty("price").GetProperty("amount").ValueKind);
    }

    [Fact]
    public async Task Products_ReturnsBadUserInput_ThroughTheGateway_WhenFirstIsOverTheMaximum()
    {
        var response = await stack.PostAsync(ServiceNames.Gateway, "{ products(first: 101) { nodes { id } } }");

        Assert.Contains("BAD_USER_INPUT", response.ErrorCodes);
    }

    private static void AssertJsonEqual(JsonElement expected, JsonElement actual) =>
        Assert.Equal(expected.GetRawText(), actual.GetRawText());
}
