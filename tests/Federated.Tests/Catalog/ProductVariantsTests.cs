using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Catalog;

[Collection(FederatedCollection.Name)]
public sealed partial class ProductVariantsTests(FederatedStack stack)
{
    private const string VariantFields = "sku title options { name value } price { amount currencyCode } listPrice { amount } quantityAvailable product { id }";

    private const int LowStockThreshold = 10;

    [Fact]
    public async Task Variants_HaveDocumentedSkus_OneToFourPerProduct_PointingBackToTheirProduct()
    {
        var products = await SeededProductsAsync($"id variants {{ {VariantFields} }}");

        Assert.All(products, product =>
        {
            var id = product.GetProperty("id").GetString()!;
            var variants = product.GetProperty("variants").EnumerateArray().ToList();
            Assert.InRange(variants.Count, 1, 4);
            for (var i = 0; i < variants.Count; i++)
            {
                var sku = variants[i].GetProperty("sku").GetString()!;
                Assert.Matches(SeededSku(), sku);
                Assert.Equal($"SKU-{id["prod-".Length..]}-{i + 1:D2}", sku);
                Assert.Equal(id, variants[i].GetProperty("product").GetProperty("id").GetString());
                Assert.NotEmpty(variants[i].GetProperty("options").EnumerateArray());
                Assert.False(string.IsNullOrWhiteSpace(variants[i].GetProperty("title").GetString()));
                Assert.True(variants[i].GetProperty("quantityAvailable").GetInt32() >= 0);
            }
        });
        Assert.Contains(products, p => p.GetProperty("variants").GetArrayLength() > 1);
    }

    [Fact]
    public async Task Price_IsTheLowestVariantPrice_AndListPriceThatVariantsPriceBeforeSale()
    {
        var products = await SeededProductsAsync($"price {{ amount currencyCode }} listPrice {{ amount }} variants {{ {VariantFields} }}");

        Assert.All(products, product =>
        {
            var variants = product.GetProperty("variants").EnumerateArray().ToList();
            var cheapest = variants.MinBy(v => Amount(v.GetProperty("price")))!;
            Assert.Equal(Amount(cheapest.GetProperty("price")), Amount(product.GetProperty("price")));
            Assert.Equal(cheapest.GetProperty("listPrice").GetRawText(), product.GetProperty("listPrice").GetRawText());
            foreach (var variant in variants.Where(v => v.GetProperty("listPrice").ValueKind != JsonValueKind.Null))
                Assert.True(Amount(variant.GetProperty("listPrice")) > Amount(variant.GetProperty("price")));
        });
        Assert.Contains(products, p => p.GetProperty("listPrice").ValueKind != JsonValueKind.Null);
        Assert.Contains(products, p => p.GetProperty("listPrice").ValueKind == JsonValueKind.Null);
    }

    [Fact]
    public async Task Availability_FollowsTheUnitsAvailable_AndTheSeedHasEveryKind()
    {
        var products = await SeededProductsAsync("availability variants { quantityAvailable }");

        Assert.All(products, product =>
        {
            var units = product.GetProperty("variants").EnumerateArray().Sum(v => v.GetProperty("quantityAvailable").GetInt32());
            var expected = units == 0 ? "OUT_OF_STOCK" : units <= LowStockThreshold ? "LOW_STOCK" : "IN_STOCK";
            Assert.Equal(expected, product.GetProperty("availability").GetString());
        });
        var kinds = products.Select(p => p.GetProperty("availability").GetString()).ToHashSet();
        Assert.Equal(["IN_STOCK", "LOW_STOCK", "OUT_OF_STOCK"], kinds.Order());
    }

    [Fact]
    public async Task Product_HasImagesWithAltText_AndAttributes()
    {
        var products = await SeededProductsAsync("name images { url alt } attributes { name value }");

        Assert.All(products, product =>
        {
            var images = product.GetProperty("images").EnumerateArray().ToList();
            Assert.NotEmpty(images);
            Assert.All(images, i => Assert.StartsWith("https://", i.GetProperty("url").GetString()));
            Assert.All(images, i => Assert.StartsWith(product.GetProperty("name").GetString()!, i.GetProperty("alt").GetString()));
            Assert.Contains(product.GetProperty("attributes").EnumerateArray(), a => a.GetProperty("name").GetString() == "Material");
        });
    }

    [Fact]
    public async Task Entities_ReturnsVariantsBySku_WithNullForUnknownSkus()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, $$"""
            query($representations: [_Any!]!) {
              _entities(representations: $representations) { ... on ProductVariant { {{VariantFields}} } }
            }
            """, new
        {
            representations = new[]
            {
                new { __typename = "ProductVariant", sku = "SKU-0000002-01" },
                new { __typename = "ProductVariant", sku = "SKU-9999999-01" },
                new { __typename = "ProductVariant", sku = "SKU-0000001-01" },
            },
        });

        var entities = response.Data.GetProperty("_entities");
        Assert.Equal(3, entities.GetArrayLength());
        Assert.Equal("SKU-0000002-01", entities[0].GetProperty("sku").GetString());
        Assert.Equal("prod-0000002", entities[0].GetProperty("product").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, entities[1].ValueKind);
        Assert.Equal("prod-0000001", entities[2].GetProperty("product").GetProperty("id").GetString());
    }

    [Fact]
    public async Task VariantsAndStock_CostOneBatchPerLoader_ForFiftyProducts()
    {
        var (response, delta) = await stack.MeasureAsync(
            () => stack.PostAsync(ServiceNames.Catalog,
                "{ products(first: 50) { nodes { id availability variants { sku quantityAvailable product { id } } } } }"),
            ServiceNames.Catalog);

        var counters = delta[ServiceNames.Catalog];
        Assert.Equal(50, response.Data.GetProperty("products").GetProperty("nodes").GetArrayLength());
        foreach (var loader in new[] { "VariantsByProductDataLoader", "QuantityBySkuDataLoader", "QuantityByProductDataLoader", "ProductByIdDataLoader" })
            Assert.True(counters.Batches(loader) == 1, $"Expected one {loader} batch: {counters}");
        // The page, then one query per loader.
        Assert.True(counters.StoreRoundTrips == 5, $"Expected 5 store round trips: {counters}");
    }

    [Fact]
    public async Task Entities_ThatSelectTheProductAndTheUnitsAvailable_ReadThemWithTheVariants_InOneRoundTrip()
    {
        var stocked = await stack.StockedSkuAsync(("FC-EAST", 5), ("FC-WEST", 8));
        var unstocked = await stack.StockedSkuAsync();
        var skus = new[] { stocked, "T-NO-SUCH-SKU", unstocked, stocked };

        // Through a named fragment, as a gateway may send it.
        var (response, delta) = await stack.MeasureAsync(() => EntitiesAsync(skus, "...Line", "fragment Line on ProductVariant { sku quantityAvailable product { id name } }"),
            ServiceNames.Catalog);

        var counters = delta[ServiceNames.Catalog];
        Assert.True(counters.StoreRoundTrips == 1, $"Expected 1 store round trip: {counters}");
        Assert.True(counters.Batches("VariantDetailsBySkuDataLoader") == 1, $"Expected one VariantDetailsBySkuDataLoader batch: {counters}");
        var entities = response.Data.GetProperty("_entities");
        Assert.Equal(JsonValueKind.Null, entities[1].ValueKind);
        Assert.Equal([13, 0, 13], new[] { entities[0], entities[2], entities[3] }.Select(e => e.GetProperty("quantityAvailable").GetInt32()));
        // The same as the product's own loaders say, in a request of their own.
        foreach (var entity in new[] { entities[0], entities[2] })
        {
            var product = await stack.ProductAsync(entity.GetProperty("product").GetProperty("id").GetString()!);
            Assert.Equal(product.GetProperty("name").GetString(), entity.GetProperty("product").GetProperty("name").GetString());
            var variant = Assert.Single(product.GetProperty("variants").EnumerateArray());
            Assert.Equal(variant.GetProperty("sku").GetString(), entity.GetProperty("sku").GetString());
            Assert.Equal(variant.GetProperty("quantityAvailable").GetInt32(), entity.GetProperty("quantityAvailable").GetInt32());
        }
    }

    [Fact]
    public async Task Entities_ReadOnlyWhatIsSelected()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 3));

        var (plain, plainDelta) = await stack.MeasureAsync(() => EntitiesAsync([sku], "... on ProductVariant { sku title }"), ServiceNames.Catalog);
        var (stock, stockDelta) = await stack.MeasureAsync(() => EntitiesAsync([sku], "... on ProductVariant { ... { quantityAvailable } }"), ServiceNames.Catalog);

        Assert.Equal($"Variant {sku}", plain.Data.GetProperty("_entities")[0].GetProperty("title").GetString());
        Assert.True(plainDelta[ServiceNames.Catalog].Batches("VariantBySkuDataLoader") == 1, $"Expected the plain lookup: {plainDelta[ServiceNames.Catalog]}");
        Assert.Equal(3, stock.Data.GetProperty("_entities")[0].GetProperty("quantityAvailable").GetInt32());
        Assert.True(stockDelta[ServiceNames.Catalog].StoreRoundTrips == 1, $"Expected 1 store round trip: {stockDelta[ServiceNames.Catalog]}");
    }

    private Task<GraphQLResponse> EntitiesAsync(IEnumerable<string> skus, string selection, string fragments = "") =>
        stack.PostAsync(ServiceNames.Catalog, $"query($r: [_Any!]!) {{ _entities(representations: $r) {{ {selection} }} }} {fragments}",
            new { r = skus.Select(sku => new { __typename = "ProductVariant", sku }) });

    /// <summary>The first 300 seeded products (they sort before any a test creates).</summary>
    private async Task<List<JsonElement>> SeededProductsAsync(string fields)
    {
        var products = new List<JsonElement>();
        string? after = null;
        for (var page = 0; page < 3; page++)
        {
            var connection = (await stack.PostAsync(ServiceNames.Catalog,
                $"query($after: String) {{ products(first: 100, after: $after) {{ nodes {{ id {fields} }} pageInfo {{ endCursor }} }} }}",
                new { after })).Data.GetProperty("products");
            products.AddRange(connection.GetProperty("nodes").EnumerateArray());
            after = connection.GetProperty("pageInfo").GetProperty("endCursor").GetString();
        }
        Assert.All(products, p => Assert.Matches(SeededProductId(), p.GetProperty("id").GetString()));
        return products;
    }

    private static decimal Amount(JsonElement money) =>
        decimal.Parse(money.GetProperty("amount").GetString()!, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^SKU-\d{7}-\d{2}$")]
    private static partial Regex SeededSku();

    [GeneratedRegex(@"^prod-\d{7}$")]
    private static partial Regex SeededProductId();
}
