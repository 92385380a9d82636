using System.Text.Json;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Catalog;

[Collection(FederatedCollection.Name)]
public sealed class StockMutationsTests(FederatedStack stack)
{
    [Fact]
    public async Task AdjustStock_ReceivesAndWritesOff_AndAvailabilityFollows()
    {
        var sku = stack.NewSku();
        await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "10.00"));

        var east = await AdjustAsync(sku, "FC-EAST", 6);
        Assert.Equal(6, east.GetProperty("stockLevel").GetProperty("onHand").GetInt32());
        Assert.Equal(0, east.GetProperty("stockLevel").GetProperty("reserved").GetInt32());
        Assert.Equal(6, east.GetProperty("variant").GetProperty("quantityAvailable").GetInt32());
        Assert.Equal("LOW_STOCK", (await stack.VariantAsync(sku)).GetProperty("product").GetProperty("availability").GetString());

        await AdjustAsync(sku, "FC-WEST", 20);
        var variant = await stack.VariantAsync(sku);
        Assert.Equal(26, variant.GetProperty("quantityAvailable").GetInt32());
        Assert.Equal("IN_STOCK", variant.GetProperty("product").GetProperty("availability").GetString());

        var writeOff = await AdjustAsync(sku, "FC-EAST", -6);
        Assert.Equal(0, writeOff.GetProperty("stockLevel").GetProperty("onHand").GetInt32());
        Assert.Equal(20, (await stack.VariantAsync(sku)).GetProperty("quantityAvailable").GetInt32());
    }

    [Theory]
    [InlineData("FC-EAST", -4, "INSUFFICIENT_STOCK")]   // 3 on hand
    [InlineData("FC-WEST", -1, "INSUFFICIENT_STOCK")]   // no row yet
    [InlineData("FC-MOON", 5, "UNKNOWN_FULFILLMENT_CENTER")]
    [InlineData("FC-EAST", int.MaxValue, "INVALID_INPUT")]
    public async Task AdjustStock_ReturnsUserError_AndChangesNothing_WhenInvalid(string center, int delta, string code)
    {
        var sku = stack.NewSku();
        await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "10.00"));
        await AdjustAsync(sku, "FC-EAST", 3);

        var payload = (await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = center, delta })).Data.GetProperty("adjustStock");

        Assert.Equal([code], payload.ErrorCodes());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("stockLevel").ValueKind);
        Assert.Equal(3, (await stack.VariantAsync(sku)).GetProperty("quantityAvailable").GetInt32());
    }

    [Fact]
    public async Task AdjustStock_ReturnsVariantNotFound_WhenSkuIsUnknown()
    {
        var payload = (await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku = "NO-SUCH-SKU", fulfillmentCenter = "FC-EAST", delta = 1 })).Data.GetProperty("adjustStock");

        Assert.Equal(["VARIANT_NOT_FOUND"], payload.ErrorCodes());
    }

    [Fact]
    public async Task AdjustStock_IsUnauthenticated_ForAnonymous_AndForbidden_ForACustomer()
    {
        var customer = await stack.RegisterAsync();
        var before = (await stack.VariantAsync("SKU-0000005-01")).GetProperty("quantityAvailable").GetInt32();
        var input = new { input = new { sku = "SKU-0000005-01", fulfillmentCenter = "FC-EAST", delta = 100 } };

        (await stack.PostAsync(ServiceNames.Catalog, CatalogAdmin.AdjustStock, input)).SingleError("UNAUTHENTICATED");
        (await stack.PostAsync(ServiceNames.Catalog, CatalogAdmin.AdjustStock, input, null, customer.Bearer)).SingleError("FORBIDDEN");

        Assert.Equal(before, (await stack.VariantAsync("SKU-0000005-01")).GetProperty("quantityAvailable").GetInt32());
    }

    private async Task<JsonElement> AdjustAsync(string sku, string center, int delta)
    {
        var payload = (await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = center, delta })).Data.GetProperty("adjustStock");
        Assert.Empty(payload.ErrorCodes());
        return payload;
    }
}
