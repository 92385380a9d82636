using System.Text.Json;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Catalog;

[Collection(FederatedCollection.Name)]
public sealed class SearchTests(FederatedStack stack)
{
    private const string SearchQuery = """
        query($query: String!, $first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
          search(query: $query, first: $first, after: $after, filter: $filter, sort: $sort) {
            totalCount
            nodes { id name brand price { amount } category { id } availability }
            pageInfo { hasNextPage endCursor }
            facets { name values { value count } }
          }
        }
        """;

    private const string ListQuery = """
        query($first: Int, $after: String, $filter: ProductFilter, $sort: ProductSort) {
          products(first: $first, after: $after, filter: $filter, sort: $sort) {
            totalCount
            nodes { id name brand price { amount } category { id } availability }
            pageInfo { hasNextPage endCursor }
          }
        }
        """;

    [Theory]
    [InlineData("wireless headphones", new[] { "wireless" }, new[] { "headphones", "earbuds", "headset" })]
    [InlineData("wireles hedphones", new[] { "wireless" }, new[] { "headphones", "earbuds", "headset" })]
    [InlineData("stainles steel skillet", new[] { "stainless", "steel" }, new[] { "skillet" })]
    [InlineData("gamng labtop", new[] { "gaming" }, new[] { "laptop", "notebook", "chromebook" })]
    [InlineData("yoga mat", new[] { "yoga" }, new[] { "mat" })]
    public async Task Search_RanksProductsNamedWithEveryWordFirst_EvenWhenMisspelled(string query, string[] allOf, string[] oneOf)
    {
        var result = await SearchAsync(new { query, first = 5 });

        var names = Nodes(result).Select(n => n.GetProperty("name").GetString()!.ToLowerInvariant()).ToList();
        Assert.NotEmpty(names);
        Assert.All(names, name =>
        {
            Assert.All(allOf, word => Assert.Contains(word, name));
            Assert.Contains(oneOf, word => name.Contains(word));
        });
    }

    [Theory]
    [InlineData("headph", "electronics.headphones")]
    [InlineData("blend", "home-kitchen.blenders")]
    [InlineData("noise canc", "electronics.headphones")]
    public async Task Search_MatchesTheLastWordAsAPrefix_ForSearchAsYouType(string typed, string category)
    {
        var result = await SearchAsync(new { query = typed, first = 10 });

        // Earbuds are found by "headph" too: they are filed under Headphones.
        Assert.NotEmpty(Nodes(result));
        Assert.All(Nodes(result), n => Assert.Equal(category, n.GetProperty("category").GetProperty("id").GetString()));
    }

    /// <summary>
    /// A last word typed part way finds the products of the words it starts even where the
    /// stemmer changes that word ("gaming" is stored as "game", which "gami" does not start)
    /// or the part typed is a stop word ("no" of "notebook"). Before, both found nothing.
    /// </summary>
    [Theory]
    [InlineData("gami", "gaming")]
    [InlineData("no", "notebook")]
    public async Task Search_APartlyTypedWord_FindsTheWordsItStarts_WhateverTheStemmerMakesOfIt(string typed, string word)
    {
        var whole = (await SearchAsync(new { query = word, first = 1 })).GetProperty("totalCount").GetInt32();
        var part = (await SearchAsync(new { query = typed, first = 1 })).GetProperty("totalCount").GetInt32();

        Assert.True(whole > 0, $"Nothing found for '{word}'.");
        Assert.True(part >= whole, $"'{typed}' found {part} products, '{word}' {whole}.");
    }

    [Theory]
    [InlineData("stainless st", "stainless")]
    [InlineData("the sta", "sta")]
    public async Task Search_MatchesAShortLastPrefix_LikeTheWordsItStarts(string typed, string same)
    {
        // Every product with "stainless" has a word starting with "st" (that one); "the" is a stop word.
        var result = await SearchAsync(new { query = typed, first = 10 });

        Assert.NotEmpty(Nodes(result));
        Assert.Equal((await SearchAsync(new { query = same, first = 1 })).GetProperty("totalCount").GetInt32(), result.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Search_FindsTheSameProducts_WithAccentsAndCase()
    {
        var plain = await SearchAsync(new { query = "espresso machine", first = 50 });
        var fancy = await SearchAsync(new { query = "ESPRÉSSO  Machine!", first = 50 });

        Assert.Equal(Ids(plain), Ids(fancy));
        Assert.NotEmpty(Ids(plain));
    }

    [Fact]
    public async Task Search_ReturnsNothing_WhenNoProductMatches()
    {
        var result = await SearchAsync(new { query = "xqzvbnw", first = 5 });

        Assert.Equal(0, result.GetProperty("totalCount").GetInt32());
        Assert.Empty(Nodes(result));
        Assert.All(result.GetProperty("facets").EnumerateArray(), f => Assert.Empty(f.GetProperty("values").EnumerateArray()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! ---")]
    public async Task Search_RefusesAQueryWithoutWords(string query)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, SearchQuery, new { query });

        response.SingleError("BAD_USER_INPUT");
    }

    [Fact]
    public async Task Search_TotalCountAndFacets_AgreeWithTheMatches()
    {
        var result = await SearchAsync(new { query = "bluetooth", first = 100 });
        var total = result.GetProperty("totalCount").GetInt32();

        // Fewer than a page: every match is on it.
        Assert.InRange(total, 1, 100);
        Assert.Equal(total, Nodes(result).Count);
        var nodes = Nodes(result);
        Assert.Equal(Facet(result, "brand").OrderBy(v => v.Value, StringComparer.Ordinal),
            nodes.GroupBy(n => n.GetProperty("brand").GetString()!).Select(g => (g.Key, g.Count()))
                .OrderByDescending(g => g.Item2).ThenBy(g => g.Key, StringComparer.Ordinal).Take(20).OrderBy(g => g.Key, StringComparer.Ordinal));
        Assert.Equal(Facet(result, "category").OrderBy(v => v.Value, StringComparer.Ordinal),
            nodes.GroupBy(n => n.GetProperty("category").GetProperty("id").GetString()!).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal));
        Assert.Equal(total, Facet(result, "price").Sum(v => v.Count));
        Assert.Equal(nodes.Count(n => Price(n) < 25m), Facet(result, "price").Where(v => v.Value == "0-25").Sum(v => v.Count));
        Assert.Equal(nodes.Count(n => Price(n) >= 500m), Facet(result, "price").Where(v => v.Value == "500+").Sum(v => v.Count));
    }

    /// <summary>
    /// <c>totalCount</c> and <c>facets</c> under aliases are computed as without: the service
    /// decides what to count by the fields' names, not the names the client gave them. Before,
    /// an aliased total was never computed (an internal error, and <c>data</c> null) and
    /// aliased facets came back empty (found by a review).
    /// </summary>
    [Fact]
    public async Task SearchAndProducts_AnswerTotalCountAndFacets_UnderAliases()
    {
        var plain = await SearchAsync(new { query = "bluetooth", first = 5 });
        var aliased = await stack.PostAsync(ServiceNames.Catalog, """
            query { search(query: "bluetooth", first: 5) { total: totalCount f: facets { name values { value count } } } products(first: 1) { n: totalCount } }
            """);

        Assert.Empty(aliased.ErrorCodes);
        var search = aliased.Data.GetProperty("search");
        Assert.Equal(plain.GetProperty("totalCount").GetInt32(), search.GetProperty("total").GetInt32());
        Assert.Equal(plain.GetProperty("facets").GetRawText(), search.GetProperty("f").GetRawText());
        Assert.True(aliased.Data.GetProperty("products").GetProperty("n").GetInt32() > 0);
    }

    [Fact]
    public async Task Search_BrandFacet_IgnoresTheBrandFilter_SoOtherBrandsKeepTheirCounts()
    {
        var all = await SearchAsync(new { query = "headphones", first = 1 });
        var brand = Facet(all, "brand")[0];

        var filtered = await SearchAsync(new { query = "headphones", first = 100, filter = new { brands = new[] { brand.Value } } });

        Assert.Equal(brand.Count, filtered.GetProperty("totalCount").GetInt32());
        Assert.All(Nodes(filtered), n => Assert.Equal(brand.Value, n.GetProperty("brand").GetString()));
        Assert.Equal(Facet(all, "brand"), Facet(filtered, "brand"));
        Assert.Equal(brand.Count, Facet(filtered, "price").Sum(v => v.Count));
    }

    [Fact]
    public async Task Search_AppliesEveryFilter()
    {
        var filter = new { categoryId = "electronics", priceMin = "20", priceMax = "600.49", inStockOnly = true };

        var result = await SearchAsync(new { query = "wireless", first = 100, filter });

        Assert.NotEmpty(Nodes(result));
        Assert.All(Nodes(result), n =>
        {
            Assert.StartsWith("electronics.", n.GetProperty("category").GetProperty("id").GetString());
            Assert.InRange(Price(n), 20m, 600.49m);
            Assert.NotEqual("OUT_OF_STOCK", n.GetProperty("availability").GetString());
        });
        var unfiltered = await SearchAsync(new { query = "wireless", first = 1 });
        Assert.True(unfiltered.GetProperty("totalCount").GetInt32() > result.GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("PRICE_ASC")]
    [InlineData("PRICE_DESC")]
    [InlineData("NAME")]
    [InlineData("NEWEST")]
    [InlineData("RELEVANCE")]
    public async Task Search_PagesThroughEveryMatchOnce_InTheRequestedOrder(string sort)
    {
        var pages = new List<JsonElement>();
        string? after = null;
        JsonElement page;
        do
        {
            page = await SearchAsync(new { query = "jacket", first = 7, after, sort });
            pages.Add(page);
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        while (page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean() && pages.Count < 50);

        var all = pages.SelectMany(Nodes).ToList();
        Assert.Equal(pages[0].GetProperty("totalCount").GetInt32(), all.Count);
        Assert.Equal(all.Count, all.Select(n => n.GetProperty("id").GetString()).Distinct().Count());
        var whole = await SearchAsync(new { query = "jacket", first = 100, sort });
        Assert.Equal(Ids(whole), all.Select(n => n.GetProperty("id").GetString()!).Take(100));
        if (sort == "PRICE_ASC")
            Assert.Equal(all.Select(Price).Order(), all.Select(Price));
        if (sort == "PRICE_DESC")
            Assert.Equal(all.Select(Price).OrderDescending(), all.Select(Price));
    }

    [Fact]
    public async Task Search_RefusesACursorFromAnotherOrder()
    {
        var page = await SearchAsync(new { query = "jacket", first = 2, sort = "PRICE_ASC" });
        var cursor = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();

        var response = await stack.PostAsync(ServiceNames.Catalog, SearchQuery, new { query = "jacket", after = cursor, sort = "NAME" });

        response.SingleError("INVALID_CURSOR");
    }

    [Theory]
    [InlineData("{\"priceMin\": \"-1\"}")]
    [InlineData("{\"priceMin\": \"10\", \"priceMax\": \"5\"}")]
    [InlineData("{\"priceMax\": \"abc\"}")]
    public async Task SearchAndProducts_RefuseABadFilter(string filterJson)
    {
        var filter = JsonSerializer.Deserialize<JsonElement>(filterJson);

        var search = await stack.PostAsync(ServiceNames.Catalog, SearchQuery, new { query = "lamp", filter });
        var list = await stack.PostAsync(ServiceNames.Catalog, ListQuery, new { filter });

        Assert.Contains(search.ErrorCodes, c => c is "BAD_USER_INPUT" or "GRAPHQL_VALIDATION_FAILED");
        Assert.Contains(list.ErrorCodes, c => c is "BAD_USER_INPUT" or "GRAPHQL_VALIDATION_FAILED");
    }

    [Fact]
    public async Task Products_FiltersByCategorySubtree_AndSortsByPrice()
    {
        var page = (await stack.PostAsync(ServiceNames.Catalog, ListQuery,
            new { first = 50, filter = new { categoryId = "clothing" }, sort = "PRICE_DESC" })).Data.GetProperty("products");

        var nodes = Nodes(page);
        Assert.Equal(50, nodes.Count);
        Assert.All(nodes, n => Assert.StartsWith("clothing.", n.GetProperty("category").GetProperty("id").GetString()));
        Assert.Equal(nodes.Select(Price).OrderDescending(), nodes.Select(Price));
        var leaves = (await stack.PostAsync(ServiceNames.Catalog, "{ category(id: \"clothing\") { children { id } } }")).Data
            .GetProperty("category").GetProperty("children").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ToList();
        var sum = 0;
        foreach (var leaf in leaves)
            sum += (await stack.PostAsync(ServiceNames.Catalog, ListQuery, new { first = 0, filter = new { categoryId = leaf } })).Data
                .GetProperty("products").GetProperty("totalCount").GetInt32();
        Assert.Equal(page.GetProperty("totalCount").GetInt32(), sum);
    }

    [Fact]
    public async Task Products_InStockOnly_LeavesOutEveryOutOfStockProduct()
    {
        var all = (await stack.PostAsync(ServiceNames.Catalog, ListQuery, new { first = 100 })).Data.GetProperty("products");
        var inStock = (await stack.PostAsync(ServiceNames.Catalog, ListQuery, new { first = 100, filter = new { inStockOnly = true } })).Data.GetProperty("products");

        Assert.All(Nodes(inStock), n => Assert.NotEqual("OUT_OF_STOCK", n.GetProperty("availability").GetString()));
        var expected = Nodes(all).Where(n => n.GetProperty("availability").GetString() != "OUT_OF_STOCK").Select(n => n.GetProperty("id").GetString());
        Assert.Equal(expected, Ids(inStock).Take(expected.Count()));
        Assert.True(inStock.GetProperty("totalCount").GetInt32() < all.GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("electronics", "electronics", null, null, false)]
    [InlineData("kitchen", "home-kitchen", null, null, true)]
    [InlineData("electronics", "electronics", "50", "249.99", false)]
    [InlineData("jackets", "clothing.jackets", null, "120", true)]
    public async Task Search_CountsExactly_WhenItsWordsNameTheWholeCategory(string query, string categoryId, string? priceMin, string? priceMax, bool inStockOnly)
    {
        // Every product filed under the category matches: the counts are the category's own.
        var filter = new { categoryId, priceMin, priceMax, inStockOnly };
        var result = await SearchAsync(new { query, first = 5, filter });
        var listed = await ListTotalAsync(filter);

        Assert.True(listed > 0);
        Assert.Equal(listed, result.GetProperty("totalCount").GetInt32());
        Assert.Equal(listed, Facet(result, "category").Sum(v => v.Count));
        foreach (var (leaf, count) in Facet(result, "category"))
            Assert.Equal(await ListTotalAsync(new { categoryId = leaf, priceMin, priceMax, inStockOnly }), count);
        var (brand, brandCount) = Facet(result, "brand")[0];
        Assert.Equal(await ListTotalAsync(new { categoryId, brands = new[] { brand }, priceMin, priceMax, inStockOnly }), brandCount);
        // Price bands ignore the price filter.
        var cheap = Facet(result, "price").Where(v => v.Value == "0-25").Sum(v => v.Count);
        Assert.Equal(await ListTotalAsync(new { categoryId, priceMax = "24.99", inStockOnly }), cheap);
    }

    [Fact]
    public async Task Search_CountsAProductFoundOnlyByItsCategory_ThroughEveryWrite()
    {
        var sku = stack.NewSku();
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "600.00"));
        var id = product.GetProperty("id").GetString()!;
        // A brand of its own, and a name without the word: "backpacks" finds it by its category alone.
        var brand = "Quillfeather" + stack.RunId.Where(char.IsLetter).Aggregate("", (b, c) => b + c);
        Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.UpdateProduct, new { id, name = $"{brand} Daypack", brand })).Data.GetProperty("updateProduct").ErrorCodes());
        var ofBrand = new { query = "backpacks", first = 5, filter = new { brands = new[] { brand } } };

        var found = await SearchAsync(ofBrand);
        Assert.Equal(1, found.GetProperty("totalCount").GetInt32());
        Assert.Equal(new[] { id }, Ids(found));
        Assert.Equal(new[] { ("500+", 1) }, Facet(found, "price"));
        Assert.Equal(new[] { ("sports-outdoors.backpacks", 1) }, Facet(found, "category"));

        Assert.Empty(Nodes(await SearchAsync(new { ofBrand.query, filter = new { brands = new[] { brand }, inStockOnly = true } })));
        await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = "FC-WEST", delta = 2 });
        Assert.Equal(1, (await SearchAsync(new { ofBrand.query, filter = new { brands = new[] { brand }, inStockOnly = true } })).GetProperty("totalCount").GetInt32());

        Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku, price = "19.00" })).Data.GetProperty("updateVariant").ErrorCodes());
        Assert.Equal(new[] { ("0-25", 1) }, Facet(await SearchAsync(ofBrand), "price"));

        Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.UpdateProduct, new { id, categoryId = "sports-outdoors.tents" })).Data.GetProperty("updateProduct").ErrorCodes());
        var moved = await SearchAsync(ofBrand);
        Assert.Equal(0, moved.GetProperty("totalCount").GetInt32());
        Assert.DoesNotContain(Facet(moved, "brand"), v => v.Value == brand);
        Assert.Equal(1, (await SearchAsync(new { query = "tents", first = 5, ofBrand.filter })).GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Search_RanksProductsNamedWithTheWord_AboveProductsOnlyFiledUnderIt()
    {
        var result = await SearchAsync(new { query = "headphones", first = 100 });

        var named = Nodes(result).Select(n => n.GetProperty("name").GetString()!.Contains("headphone", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.Contains(true, named);
        Assert.Contains(false, named);
        Assert.Equal(named.OrderByDescending(n => n), named);
        Assert.All(Nodes(result), n => Assert.Equal("electronics.headphones", n.GetProperty("category").GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("electronics", "electronics")]
    [InlineData("sports outdoors", null)]
    [InlineData("wireless", null)]
    public async Task Search_PagesByRelevance_ThroughCoveredCategoriesAndNamedProducts(string query, string? categoryId)
    {
        var filter = new { categoryId };
        var pages = new List<JsonElement>();
        string? after = null;
        JsonElement page;
        do
        {
            page = await SearchAsync(new { query, first = 40, after, filter });
            pages.Add(page);
            after = page.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        while (page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean() && pages.Count < 60);

        var all = pages.SelectMany(Nodes).Select(n => n.GetProperty("id").GetString()!).ToList();
        Assert.Equal(pages[0].GetProperty("totalCount").GetInt32(), all.Count);
        Assert.Equal(all.Count, all.Distinct().Count());
        var whole = await SearchAsync(new { query, first = 100, filter });
        Assert.Equal(Ids(whole), all.Take(100));
    }

    [Fact]
    public async Task Search_FindsAProduct_AsSoonAsItIsCreatedOrRenamed()
    {
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(stack.NewSku(), "19.99"));
        var id = product.GetProperty("id").GetString()!;
        var word = "zephyrine" + stack.RunId.Where(char.IsLetter).Aggregate("", (s, c) => s + c);

        Assert.DoesNotContain(id, Ids(await SearchAsync(new { query = word })));
        var renamed = await stack.AsAdminAsync(CatalogAdmin.UpdateProduct, new { id, name = $"Testbrand {word} Backpack" });
        Assert.Empty(renamed.Data.GetProperty("updateProduct").ErrorCodes());

        Assert.Equal(new[] { id }, Ids(await SearchAsync(new { query = word })));
        Assert.Equal(new[] { id }, Ids(await SearchAsync(new { query = word[..^1] + "x" })));
        Assert.Equal(new[] { id }, Ids(await SearchAsync(new { query = $"{word} backpack" })));
    }

    [Fact]
    public async Task Search_SeesANewPrice_InFiltersAndSorts()
    {
        var sku = stack.NewSku();
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "5000.00"));
        var id = product.GetProperty("id").GetString()!;
        var cheap = new { query = "backpack", first = 100, filter = new { priceMax = "1.00" } };
        Assert.DoesNotContain(id, Ids(await SearchAsync(cheap)));

        var updated = await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku, price = "0.50" });
        Assert.Empty(updated.Data.GetProperty("updateVariant").ErrorCodes());

        Assert.Contains(id, Ids(await SearchAsync(cheap)));
    }

    [Fact]
    public async Task InStockOnly_FollowsStockChanges_AndReservations()
    {
        var sku = stack.NewSku();
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "12.00"));
        var id = product.GetProperty("id").GetString()!;
        var word = "quokkabag" + stack.RunId.Where(char.IsLetter).Aggregate("", (w, c) => w + c);
        Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.UpdateProduct, new { id, name = $"Testbrand {word} Backpack" })).Data.GetProperty("updateProduct").ErrorCodes());
        var inStock = new { query = word, filter = new { inStockOnly = true } };
        Assert.Empty(Ids(await SearchAsync(inStock)));

        await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = "FC-EAST", delta = 1 });
        Assert.Equal(new[] { id }, Ids(await SearchAsync(inStock)));

        var service = Accounts.BearerHeader(Accounts.ServiceToken(stack));
        var orderId = $"order-instock-{stack.RunId}";
        await stack.PostAsync(ServiceNames.Catalog, "mutation($input: ReserveStockInput!) { reserveStock(input: $input) { errors { code } } }",
            new { input = new { orderId, lines = new[] { new { sku, quantity = 1 } } } }, null, service);
        Assert.Empty(Ids(await SearchAsync(inStock)));

        await stack.PostAsync(ServiceNames.Catalog, "mutation($input: ReservationInput!) { releaseStock(input: $input) { errors { code } } }",
            new { input = new { orderId } }, null, service);
        Assert.Equal(new[] { id }, Ids(await SearchAsync(inStock)));
    }

    private async Task<int> ListTotalAsync(object filter) =>
        (await stack.PostAsync(ServiceNames.Catalog, ListQuery, new { first = 0, filter })).Data.GetProperty("products").GetProperty("totalCount").GetInt32();

    private async Task<JsonElement> SearchAsync(object variables) =>
        (await stack.PostAsync(ServiceNames.Catalog, SearchQuery, variables)).Data.GetProperty("search");

    private static List<JsonElement> Nodes(JsonElement page) => [.. page.GetProperty("nodes").EnumerateArray()];

    private static List<string> Ids(JsonElement page) => [.. Nodes(page).Select(n => n.GetProperty("id").GetString()!)];

    private static decimal Price(JsonElement node) => node.GetProperty("price").Decimal();

    private static List<(string Value, int Count)> Facet(JsonElement result, string name) =>
        [.. result.GetProperty("facets").EnumerateArray().Single(f => f.GetProperty("name").GetString() == name)
            .GetProperty("values").EnumerateArray().Select(v => (v.GetProperty("value").GetString()!, v.GetProperty("count").GetInt32()))];
}
