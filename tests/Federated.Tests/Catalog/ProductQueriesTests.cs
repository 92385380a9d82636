using System.Text.Json;
using System.Text.RegularExpressions;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Catalog;

[Collection(FederatedCollection.Name)]
public sealed partial class ProductQueriesTests(FederatedStack stack)
{
    private const string PageQuery = """
        query($first: Int, $after: String) {
          products(first: $first, after: $after) {
            totalCount
            edges { cursor node { id } }
            nodes { id }
            pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          }
        }
        """;

    [Fact]
    public async Task Product_ReturnsAllFields_WhenIdExists()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, """
            query($id: ID!) {
              product(id: $id) {
                id name description brand
                price { amount currencyCode }
                category { id name parent { id name } }
              }
            }
            """, new { id = "prod-0000001" });

        var product = response.Data.GetProperty("product");
        Assert.Equal("prod-0000001", product.GetProperty("id").GetString());
        Assert.False(string.IsNullOrWhiteSpace(product.GetProperty("name").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(product.GetProperty("description").GetString()));
        var brand = product.GetProperty("brand").GetString();
        Assert.False(string.IsNullOrWhiteSpace(brand));
        Assert.StartsWith(brand!, product.GetProperty("name").GetString());
        Assert.Equal("USD", product.GetProperty("price").GetProperty("currencyCode").GetString());
        Assert.Matches(MoneyAmount(), product.GetProperty("price").GetProperty("amount").GetString());
        var category = product.GetProperty("category");
        Assert.StartsWith(category.GetProperty("parent").GetProperty("id").GetString() + ".", category.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Product_IsTheSame_OnEveryRequest()
    {
        // The seed is deterministic and reads are stable: two answers are byte for byte equal.
        const string query = "{ product(id: \"prod-0000500\") { id name description brand price { amount currencyCode } category { id } } }";

        var first = await stack.PostAsync(ServiceNames.Catalog, query);
        var second = await stack.PostAsync(ServiceNames.Catalog, query);

        Assert.Equal(first.Data.GetRawText(), second.Data.GetRawText());
    }

    [Theory]
    [InlineData("prod-9999999")]
    [InlineData("")]
    [InlineData("' or 1=1 --")]
    public async Task Product_ReturnsNull_WhenIdIsUnknown(string id)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "query($id: ID!) { product(id: $id) { id } }", new { id });

        Assert.Equal(JsonValueKind.Null, response.Data.GetProperty("product").ValueKind);
    }

    [Fact]
    public async Task Products_ReturnsDefaultPageOf20_WhenFirstIsOmitted()
    {
        var page = (await stack.PostAsync(ServiceNames.Catalog, PageQuery)).Data.GetProperty("products");

        Assert.Equal(20, page.GetProperty("nodes").GetArrayLength());
        Assert.True(page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.False(page.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
    }

    [Fact]
    public async Task Products_ReturnsTotalCount_CountingEverySeededProduct()
    {
        // At least: the admin-write tests of this run add products of their own. That the
        // count is exact is checked by paging to the end (below).
        var page = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 1 })).Data.GetProperty("products");

        Assert.True(page.GetProperty("totalCount").GetInt32() >= FederatedStack.SeededProducts);
    }

    [Fact]
    public async Task Products_ReturnsSecondPage_WhenAfterIsEndCursor()
    {
        var first = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 10 })).Data.GetProperty("products");
        var endCursor = first.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        var second = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 10, after = endCursor })).Data.GetProperty("products");
        var both = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 20 })).Data.GetProperty("products");

        Assert.Equal(Ids(both), Ids(first).Concat(Ids(second)));
        Assert.True(second.GetProperty("pageInfo").GetProperty("hasPreviousPage").GetBoolean());
        Assert.Equal(endCursor, first.GetProperty("edges")[9].GetProperty("cursor").GetString());
        Assert.Equal(Ids(second), second.GetProperty("edges").EnumerateArray().Select(e => e.GetProperty("node").GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Products_VisitsEveryProductOnce_WhenPagingToTheEnd()
    {
        var seen = new List<string>();
        string? after = null;
        int? total = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages <= (total ?? 0) / 100, "Paging did not end.");
            var page = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 100, after })).Data.GetProperty("products");
            total ??= page.GetProperty("totalCount").GetInt32();
            seen.AddRange(Ids(page));
            var pageInfo = page.GetProperty("pageInfo");
            if (!pageInfo.GetProperty("hasNextPage").GetBoolean())
                break;
            after = pageInfo.GetProperty("endCursor").GetString();
        }

        Assert.Equal(total, seen.Count);
        Assert.Equal(seen.Count, seen.Distinct().Count());
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);
        // Seeded products come first; products created by this run's admin tests after them.
        Assert.Equal(Enumerable.Range(1, FederatedStack.SeededProducts).Select(i => $"prod-{i:D7}"), seen.Take(FederatedStack.SeededProducts));
    }

    [Fact]
    public async Task Products_ReturnsEmptyLastPage_WhenAfterIsTheLastCursor()
    {
        var total = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 1 })).Data
            .GetProperty("products").GetProperty("totalCount").GetInt32();
        var last = await PageAfterAsync(total - 1);
        Assert.Single(Ids(last));
        Assert.False(last.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());

        var beyond = (await stack.PostAsync(ServiceNames.Catalog, PageQuery,
            new { first = 5, after = last.GetProperty("pageInfo").GetProperty("endCursor").GetString() })).Data.GetProperty("products");
        Assert.Empty(Ids(beyond));
        Assert.False(beyond.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
    }

    [Fact]
    public async Task Products_Returns100_WhenFirstIsTheMaximum()
    {
        var page = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 100 })).Data.GetProperty("products");

        Assert.Equal(100, Ids(page).Count);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task Products_ReturnsBadUserInput_WhenFirstIsOutOfRange(int first)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first });

        var error = response.SingleError("BAD_USER_INPUT");
        Assert.Contains("first", error.GetProperty("message").GetString());
        Assert.Equal("products", error.GetProperty("path")[0].GetString());
    }

    [Theory]
    [InlineData("garbage!!")]
    [InlineData("bm90IGpzb24")]          // base64 of "not json"
    [InlineData("eyJpZCI6MX0")]          // base64 of {"id":1}: JSON, but not this list's cursor
    public async Task Products_ReturnsInvalidCursor_WhenAfterIsNotACursor(string after)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 5, after });

        response.SingleError("INVALID_CURSOR");
    }

    [Theory]
    [InlineData(null, "[null]")]
    [InlineData("PRICE_ASC", "[\"price-asc\",\"abc\",\"prod-0000001\"]")]
    [InlineData("PRICE_DESC", "[\"price-desc\",\"1e999999\",\"prod-0000001\"]")]
    [InlineData("NEWEST", "[\"newest\",\"not a date\",\"prod-0000001\"]")]
    [InlineData("NAME", "[\"name\",null,\"prod-0000001\"]")]
    [InlineData("NAME", "[\"name\",\"Backpack\",null]")]
    [InlineData("NAME", "[\"name\",\"Back\\u0000pack\",\"prod-0000001\"]")]   // a NUL PostgreSQL refuses, hidden from the endpoint's check by base64
    public async Task Products_ReturnsInvalidCursor_WhenACursorsValuesAreForged(string? sort, string json)
    {
        var after = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(json));

        var response = await stack.PostAsync(ServiceNames.Catalog,
            "query($after: String, $sort: ProductSort) { products(first: 5, after: $after, sort: $sort) { nodes { id } } }", new { after, sort });

        response.SingleError("INVALID_CURSOR");
    }

    [Fact]
    public async Task Search_ReturnsInvalidCursor_WhenTheRelevanceInACursorIsForged()
    {
        var after = System.Buffers.Text.Base64Url.EncodeToString("[\"relevance\",\"high\",\"prod-0000001\"]"u8);

        var response = await stack.PostAsync(ServiceNames.Catalog,
            "query($after: String) { search(query: \"backpack\", first: 5, after: $after) { nodes { id } } }", new { after });

        response.SingleError("INVALID_CURSOR");
    }

    [Fact]
    public async Task Price_IsAStringWithTwoDecimals()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "{ products(first: 100) { nodes { price { amount currencyCode } } } }");

        foreach (var node in response.Data.GetProperty("products").GetProperty("nodes").EnumerateArray())
        {
            var amount = node.GetProperty("price").GetProperty("amount");
            Assert.Equal(JsonValueKind.String, amount.ValueKind);
            Assert.Matches(MoneyAmount(), amount.GetString());
            Assert.Equal("USD", node.GetProperty("price").GetProperty("currencyCode").GetString());
        }
    }

    [Fact]
    public async Task ProductCategories_CostOneBatch_ForFiftyProducts()
    {
        var (response, delta) = await stack.MeasureAsync(
            () => stack.PostAsync(ServiceNames.Catalog, "{ products(first: 50) { nodes { id category { name } } } }"),
            ServiceNames.Catalog);

        var counters = delta[ServiceNames.Catalog];
        Assert.Equal(50, response.Data.GetProperty("products").GetProperty("nodes").GetArrayLength());
        Assert.True(counters.Batches("CategoryByIdDataLoader") == 1, $"Expected one CategoryByIdDataLoader batch: {counters}");
        // One query for the page, one for the categories (totalCount was not asked for).
        Assert.True(counters.StoreRoundTrips == 2, $"Expected 2 store round trips: {counters}");
    }

    [Fact]
    public async Task Entities_ReturnsProductsInRepresentationOrder_WithNullForUnknownIds()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, """
            query($representations: [_Any!]!) {
              _entities(representations: $representations) { ... on Product { id name } }
            }
            """, new
        {
            representations = new[]
            {
                new { __typename = "Product", id = "prod-0000003" },
                new { __typename = "Product", id = "prod-9999999" },
                new { __typename = "Product", id = "prod-0000001" },
            },
        });

        var entities = response.Data.GetProperty("_entities");
        Assert.Equal(3, entities.GetArrayLength());
        Assert.Equal("prod-0000003", entities[0].GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, entities[1].ValueKind);
        Assert.Equal("prod-0000001", entities[2].GetProperty("id").GetString());
    }

    private async Task<JsonElement> PageAfterAsync(int skip)
    {
        // Walks to the page that starts after the first `skip` products.
        string? after = null;
        while (skip > 0)
        {
            var step = Math.Min(skip, 100);
            var page = (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = step, after })).Data.GetProperty("products");
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
            skip -= step;
        }
        return (await stack.PostAsync(ServiceNames.Catalog, PageQuery, new { first = 5, after })).Data.GetProperty("products");
    }

    private static List<string> Ids(JsonElement page) =>
        [.. page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!)];

    [GeneratedRegex(@"^\d+\.\d{2}$")]
    private static partial Regex MoneyAmount();
}
