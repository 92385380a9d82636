using System.Globalization;
using System.Text.Json;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Catalog;

/// <summary>Admin writes for the catalog tests: each test makes products and SKUs of its own.</summary>
internal static class CatalogAdmin
{
    public const string ProductFields = "id name description brand category { id } price { amount } listPrice { amount } images { url alt } attributes { name value } availability variants { sku title options { name value } price { amount } listPrice { amount } quantityAvailable }";
    public const string CreateProduct = $"mutation($input: CreateProductInput!) {{ createProduct(input: $input) {{ product {{ {ProductFields} }} errors {{ code message field }} }} }}";
    public const string UpdateProduct = $"mutation($input: UpdateProductInput!) {{ updateProduct(input: $input) {{ product {{ {ProductFields} }} errors {{ code message field }} }} }}";
    public const string AddVariant = "mutation($input: AddVariantInput!) { addVariant(input: $input) { variant { sku title price { amount } listPrice { amount } product { id price { amount } } } errors { code message field } } }";
    public const string UpdateVariant = "mutation($input: UpdateVariantInput!) { updateVariant(input: $input) { variant { sku title price { amount } listPrice { amount } product { id price { amount } } } errors { code message field } } }";
    public const string AdjustStock = "mutation($input: AdjustStockInput!) { adjustStock(input: $input) { variant { sku quantityAvailable } stockLevel { fulfillmentCenter onHand reserved } errors { code message field } } }";

    private static int _skus;

    /// <summary>A SKU no other test (nor an earlier run) uses.</summary>
    public static string NewSku(this FederatedStack stack) =>
        $"T-{stack.RunId.ToUpperInvariant()}-{Interlocked.Increment(ref _skus)}";

    public static object Variant(string sku, string price, string? listPrice = null) =>
        new { sku, title = $"Variant {sku}", options = new[] { new { name = "Size", value = "M" } }, price, listPrice };

    public static object NewProduct(params object[] variants) => new
    {
        name = "Test Trail Backpack",
        description = "A backpack made by a test.",
        brand = "Testbrand",
        categoryId = "sports-outdoors.backpacks",
        images = new[] { new { url = "https://images.example/backpack.jpg", alt = "Test Trail Backpack, front view" } },
        attributes = new[] { new { name = "Material", value = "Nylon" } },
        variants,
    };

    public static async Task<GraphQLResponse> AsAdminAsync(this FederatedStack stack, string mutation, object input)
    {
        var admin = await stack.SignInAdminAsync();
        return await stack.PostAsync(ServiceNames.Catalog, mutation, new { input }, null, admin.Bearer);
    }

    /// <summary>A new product with the given variants, created by the admin; fails the test on errors.</summary>
    public static async Task<JsonElement> CreateProductAsync(this FederatedStack stack, params object[] variants)
    {
        var payload = (await stack.AsAdminAsync(CreateProduct, NewProduct(variants))).Data.GetProperty("createProduct");
        Assert.Empty(payload.ErrorCodes());
        return payload.GetProperty("product");
    }

    /// <summary>The variant by SKU through _entities; null (JSON) when there is none.</summary>
    public static async Task<JsonElement> VariantAsync(this FederatedStack stack, string sku) =>
        (await stack.PostAsync(ServiceNames.Catalog,
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { sku price { amount } quantityAvailable product { id price { amount } availability } } } }",
            new { r = new[] { new { __typename = "ProductVariant", sku } } })).Data.GetProperty("_entities")[0];

    public static async Task<JsonElement> ProductAsync(this FederatedStack stack, string id) =>
        (await stack.PostAsync(ServiceNames.Catalog, $"query($id: ID!) {{ product(id: $id) {{ {ProductFields} }} }}", new { id })).Data.GetProperty("product");

    public static string Amount(this JsonElement money) => money.GetProperty("amount").GetString()!;

    public static decimal Decimal(this JsonElement money) => decimal.Parse(money.Amount(), CultureInfo.InvariantCulture);

    /// <summary>On hand and reserved per fulfillment center, as the catalog tells a service (stock levels are not public).</summary>
    public static async Task<Dictionary<string, (int OnHand, int Reserved)>> StockLevelsAsync(this FederatedStack stack, string sku)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog,
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { stockLevels { fulfillmentCenter onHand reserved } } } }",
            new { r = new[] { new { __typename = "ProductVariant", sku } } }, null, Accounts.BearerHeader(Accounts.ServiceToken(stack)));
        return response.Data.GetProperty("_entities")[0].GetProperty("stockLevels").EnumerateArray()
            .ToDictionary(l => l.GetProperty("fulfillmentCenter").GetString()!, l => (l.GetProperty("onHand").GetInt32(), l.GetProperty("reserved").GetInt32()));
    }

    /// <summary>A new product with one variant at <paramref name="price"/> and the given stock; returns its SKU.</summary>
    public static async Task<string> StockedSkuAsync(this FederatedStack stack, params (string Center, int Units)[] stock) =>
        await stack.StockedSkuAsync("10.00", null, stock);

    public static async Task<string> StockedSkuAsync(this FederatedStack stack, string price, int? weightGrams, params (string Center, int Units)[] stock)
    {
        var sku = stack.NewSku();
        await stack.CreateProductAsync(new { sku, title = $"Variant {sku}", options = new[] { new { name = "Size", value = "M" } }, price, weightGrams });
        foreach (var (center, units) in stock)
        {
            var payload = (await stack.AsAdminAsync(AdjustStock, new { sku, fulfillmentCenter = center, delta = units })).Data.GetProperty("adjustStock");
            Assert.Empty(payload.ErrorCodes());
        }
        return sku;
    }
}
