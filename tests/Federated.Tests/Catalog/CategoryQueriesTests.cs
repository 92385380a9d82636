using System.Text.Json;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Catalog;

[Collection(FederatedCollection.Name)]
public sealed class CategoryQueriesTests(FederatedStack stack)
{
    [Fact]
    public async Task Categories_ReturnsRootsWithChildren_PointingBackToTheirParent()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog,
            "{ categories { id name parent { id } children { id name parent { id } children { id } } } }");

        var roots = response.Data.GetProperty("categories").EnumerateArray().ToList();
        Assert.NotEmpty(roots);
        Assert.Equal(roots.Select(Name).Order(StringComparer.Ordinal), roots.Select(Name));
        foreach (var root in roots)
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty("parent").ValueKind);
            var children = root.GetProperty("children").EnumerateArray().ToList();
            Assert.NotEmpty(children);
            Assert.All(children, child =>
            {
                Assert.Equal(root.GetProperty("id").GetString(), child.GetProperty("parent").GetProperty("id").GetString());
                Assert.Empty(child.GetProperty("children").EnumerateArray());
            });
        }
        Assert.Contains(roots, r => Name(r) == "Electronics");
    }

    [Fact]
    public async Task Category_ReturnsLeafWithParent_WhenIdExists()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog,
            "query($id: ID!) { category(id: $id) { id name parent { id name } children { id } } }",
            new { id = "electronics.headphones" });

        var category = response.Data.GetProperty("category");
        Assert.Equal("Headphones", Name(category));
        Assert.Equal("electronics", category.GetProperty("parent").GetProperty("id").GetString());
        Assert.Equal("Electronics", Name(category.GetProperty("parent")));
        Assert.Empty(category.GetProperty("children").EnumerateArray());
    }

    [Fact]
    public async Task Category_ReturnsNull_WhenIdIsUnknown()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "{ category(id: \"no-such-category\") { id } }");

        Assert.Equal(JsonValueKind.Null, response.Data.GetProperty("category").ValueKind);
    }

    [Fact]
    public async Task ProductCategory_IsALeafOfTheTree()
    {
        var tree = await stack.PostAsync(ServiceNames.Catalog, "{ categories { children { id } } }");
        var leaves = tree.Data.GetProperty("categories").EnumerateArray()
            .SelectMany(r => r.GetProperty("children").EnumerateArray())
            .Select(c => c.GetProperty("id").GetString())
            .ToHashSet();

        var products = await stack.PostAsync(ServiceNames.Catalog, "{ products(first: 100) { nodes { category { id } } } }");

        Assert.All(products.Data.GetProperty("products").GetProperty("nodes").EnumerateArray(),
            p => Assert.Contains(p.GetProperty("category").GetProperty("id").GetString(), leaves));
    }

    [Fact]
    public async Task CategoryChildren_CostOneBatch_ForAllRoots()
    {
        var (_, delta) = await stack.MeasureAsync(
            () => stack.PostAsync(ServiceNames.Catalog, "{ categories { children { name } } }"),
            ServiceNames.Catalog);

        var counters = delta[ServiceNames.Catalog];
        Assert.True(counters.Batches("CategoryChildrenDataLoader") == 1, $"Expected one CategoryChildrenDataLoader batch: {counters}");
        Assert.True(counters.StoreRoundTrips == 2, $"Expected 2 store round trips: {counters}");
    }

    private static string? Name(JsonElement category) => category.GetProperty("name").GetString();
}
