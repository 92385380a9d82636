using System.Text.Json;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Catalog;

[Collection(FederatedCollection.Name)]
public sealed class VariantMutationsTests(FederatedStack stack)
{
    [Fact]
    public async Task AddVariant_Cheaper_LowersTheProductPrice()
    {
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(stack.NewSku(), "40.00"));
        var sku = stack.NewSku();

        var payload = (await stack.AsAdminAsync(CatalogAdmin.AddVariant,
            new { productId = Id(product), variant = CatalogAdmin.Variant(sku, "35.49", "39.99") })).Data.GetProperty("addVariant");

        Assert.Empty(payload.ErrorCodes());
        Assert.Equal(sku, payload.GetProperty("variant").GetProperty("sku").GetString());
        Assert.Equal("35.49", payload.GetProperty("variant").GetProperty("product").GetProperty("price").Amount());
        var stored = await stack.ProductAsync(Id(product));
        Assert.Equal(2, stored.GetProperty("variants").GetArrayLength());
        Assert.Equal("35.49", stored.GetProperty("price").Amount());
        Assert.Equal("39.99", stored.GetProperty("listPrice").Amount());
    }

    [Theory]
    [InlineData("duplicate", "DUPLICATE_SKU")]
    [InlineData("negative", "INVALID_PRICE")]
    [InlineData("unknown product", "PRODUCT_NOT_FOUND")]
    public async Task AddVariant_ReturnsUserError_AndChangesNothing_WhenInputIsInvalid(string kind, string code)
    {
        var existing = stack.NewSku();
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(existing, "40.00"));
        var (sku, price, productId) = kind switch
        {
            "duplicate" => (existing, "1.00", Id(product)),
            "negative" => (stack.NewSku(), "-0.01", Id(product)),
            _ => (stack.NewSku(), "1.00", "prod-9999999"),
        };

        var payload = (await stack.AsAdminAsync(CatalogAdmin.AddVariant,
            new { productId, variant = CatalogAdmin.Variant(sku, price) })).Data.GetProperty("addVariant");

        Assert.Equal([code], payload.ErrorCodes());
        Assert.Equal(product.GetRawText(), (await stack.ProductAsync(Id(product))).GetRawText());
        if (sku != existing)
            Assert.Equal(JsonValueKind.Null, (await stack.VariantAsync(sku)).ValueKind);
    }

    [Fact]
    public async Task UpdateVariant_RaisingTheCheapestPrice_MovesTheProductPriceToTheNextCheapest()
    {
        var (cheap, dear) = (stack.NewSku(), stack.NewSku());
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(cheap, "10.00"), CatalogAdmin.Variant(dear, "20.00"));

        var payload = (await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku = cheap, price = "25.5", title = "Bigger" })).Data.GetProperty("updateVariant");

        Assert.Empty(payload.ErrorCodes());
        Assert.Equal("25.50", payload.GetProperty("variant").GetProperty("price").Amount());
        Assert.Equal("Bigger", payload.GetProperty("variant").GetProperty("title").GetString());
        Assert.Equal("20.00", (await stack.ProductAsync(Id(product))).GetProperty("price").Amount());
        Assert.Equal("25.50", (await stack.VariantAsync(cheap)).GetProperty("price").Amount());
    }

    [Theory]
    [InlineData("-5.00", null, "INVALID_PRICE")]
    [InlineData(null, "9.00", "INVALID_PRICE")]
    public async Task UpdateVariant_ReturnsUserError_AndChangesNothing_WhenPriceIsInvalid(string? price, string? listPrice, string code)
    {
        var sku = stack.NewSku();
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "10.00"));

        var payload = (await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku, price, listPrice })).Data.GetProperty("updateVariant");

        Assert.Equal([code], payload.ErrorCodes());
        Assert.Equal(product.GetRawText(), (await stack.ProductAsync(Id(product))).GetRawText());
    }

    [Fact]
    public async Task UpdateVariant_ReturnsVariantNotFound_WhenSkuIsUnknown()
    {
        var payload = (await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku = "NO-SUCH-SKU", price = "1.00" })).Data.GetProperty("updateVariant");

        Assert.Equal(["VARIANT_NOT_FOUND"], payload.ErrorCodes());
    }

    [Fact]
    public async Task VariantWrites_AreUnauthenticated_ForAnonymous_AndForbidden_ForACustomer()
    {
        var customer = await stack.RegisterAsync();
        var before = await stack.VariantAsync("SKU-0000004-01");
        var writes = new (string Mutation, object Input)[]
        {
            (CatalogAdmin.AddVariant, new { productId = "prod-0000004", variant = CatalogAdmin.Variant(stack.NewSku(), "0.01") }),
            (CatalogAdmin.UpdateVariant, new { sku = "SKU-0000004-01", price = "0.01" }),
        };

        foreach (var (mutation, input) in writes)
        {
            (await stack.PostAsync(ServiceNames.Catalog, mutation, new { input })).SingleError("UNAUTHENTICATED");
            (await stack.PostAsync(ServiceNames.Catalog, mutation, new { input }, null, customer.Bearer)).SingleError("FORBIDDEN");
        }

        Assert.Equal(before.GetRawText(), (await stack.VariantAsync("SKU-0000004-01")).GetRawText());
        Assert.Equal(before.GetProperty("product").GetRawText(), (await stack.VariantAsync("SKU-0000004-01")).GetProperty("product").GetRawText());
    }

    private static string Id(JsonElement product) => product.GetProperty("id").GetString()!;

    [Fact]
    public async Task UpdateVariant_EndsASale_WhenListPriceIsExplicitlyNull_AndKeepsItWhenLeftOut()
    {
        var sku = stack.NewSku();
        var id = (await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "40.00", "50.00"))).GetProperty("id").GetString()!;

        var kept = (await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku, price = "39.00" })).Data.GetProperty("updateVariant");
        Assert.Equal("50.00", kept.GetProperty("variant").GetProperty("listPrice").Amount());

        var ended = (await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new Dictionary<string, object?> { ["sku"] = sku, ["listPrice"] = null })).Data.GetProperty("updateVariant");
        Assert.Empty(ended.ErrorCodes());
        Assert.Equal(JsonValueKind.Null, ended.GetProperty("variant").GetProperty("listPrice").ValueKind);
        Assert.Equal(JsonValueKind.Null, (await stack.ProductAsync(id)).GetProperty("listPrice").ValueKind);
    }

    [Fact]
    public async Task UpdateVariant_KeepsTheProductPriceRight_WhenWritesToSiblingsRace()
    {
        var (a, b) = (stack.NewSku(), stack.NewSku());
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(a, "100.00"), CatalogAdmin.Variant(b, "100.00"));
        var id = product.GetProperty("id").GetString()!;

        // Both variants get cheaper at once, round after round: each write's product price is
        // computed from its sibling, which the other write is changing at that moment.
        for (var round = 1; round <= 8; round++)
        {
            var priceA = (100 - round * 2).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            var priceB = (100 - round * 2 - 1).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
            var writes = await Task.WhenAll(
                stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku = a, price = priceA }),
                stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku = b, price = priceB }));
            Assert.All(writes, w => Assert.Empty(w.Data.GetProperty("updateVariant").ErrorCodes()));
            Assert.Equal(priceB, (await stack.ProductAsync(id)).GetProperty("price").Amount());
        }
    }

    /// <summary>
    /// Every variant of a product edited at once, twice each (a bulk repricing and a retitling
    /// sent side by side): every write is answered without error, and every edit stays. Before,
    /// a title change that read its variant before a price change to the same SKU committed, and
    /// the product after, saved the old price back over the new one (no error; carts and orders
    /// then charged the old price); and writers that lost the product's version race five times
    /// were answered INTERNAL_SERVER_ERROR.
    /// </summary>
    [Fact]
    public async Task EveryVariantEditedAtOnce_TwiceEach_KeepsEveryEdit_AndAnswersEveryWrite()
    {
        var skus = Enumerable.Range(0, 16).Select(_ => stack.NewSku()).ToList();
        var product = await stack.CreateProductAsync([.. skus.Select(sku => CatalogAdmin.Variant(sku, "100.00"))]);
        var id = product.GetProperty("id").GetString()!;
        string Price(int i) => (50 + i).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        var admin = await stack.SignInAdminAsync();
        Task<GraphQLResponse> Update(object input) => stack.PostAsync(ServiceNames.Catalog, CatalogAdmin.UpdateVariant, new { input }, null, admin.Bearer);

        var writes = await Task.WhenAll(skus.SelectMany((sku, i) => new[]
        {
            Update(new { sku, title = $"Retitled {i}" }),
            Update(new { sku, price = Price(i) }),
        }));

        Assert.All(writes, w => Assert.Empty(w.Data.GetProperty("updateVariant").ErrorCodes()));
        var variants = (await stack.PostAsync(ServiceNames.Catalog, "query($id: ID!) { product(id: $id) { variants { sku title price { amount } } } }", new { id }))
            .Data.GetProperty("product").GetProperty("variants").EnumerateArray()
            .ToDictionary(v => v.GetProperty("sku").GetString()!, v => (v.GetProperty("title").GetString(), v.GetProperty("price").Amount()));
        for (var i = 0; i < skus.Count; i++)
            Assert.Equal(($"Retitled {i}", Price(i)), variants[skus[i]]);
        Assert.Equal(Price(0), (await stack.ProductAsync(id)).GetProperty("price").Amount());
    }

    /// <summary>
    /// Two variant changes in one request each answer their product's price after their own
    /// change. Before, the second answered the product as the first had loaded it (a request's
    /// loaded results were kept for all its mutation fields): its price before the second change.
    /// </summary>
    [Fact]
    public async Task TwoVariantChangesInOneRequest_EachAnswerTheProductAfterIt()
    {
        var (a, b) = (stack.NewSku(), stack.NewSku());
        await stack.CreateProductAsync(CatalogAdmin.Variant(a, "100.00"), CatalogAdmin.Variant(b, "100.00"));
        var admin = await stack.SignInAdminAsync();

        var answer = await stack.PostAsync(ServiceNames.Catalog, """
            mutation($a: UpdateVariantInput!, $b: UpdateVariantInput!) {
              a: updateVariant(input: $a) { variant { product { price { amount } } } errors { code } }
              b: updateVariant(input: $b) { variant { product { price { amount } } } errors { code } }
            }
            """, new { a = new { sku = a, price = "50.00" }, b = new { sku = b, price = "40.00" } }, null, admin.Bearer);

        Assert.Equal("50.00", answer.Data.GetProperty("a").GetProperty("variant").GetProperty("product").GetProperty("price").Amount());
        Assert.Equal("40.00", answer.Data.GetProperty("b").GetProperty("variant").GetProperty("product").GetProperty("price").Amount());
    }
}
