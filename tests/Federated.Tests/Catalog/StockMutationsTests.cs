using Npgsql;
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

    /// <summary>
    /// A center holds at most 500,000,000 units of a SKU, so the centers' sum is a 32-bit count:
    /// a receipt past it is refused with a user error. A row near the 32-bit limit (written here
    /// as older versions allowed) is refused the same; its receipt was an internal error
    /// ("integer out of range").
    /// </summary>
    [Theory]
    [InlineData(499_999_999, 1, true)]
    [InlineData(500_000_000, 1, false)]
    [InlineData(2_147_000_000, 1_000_000, false)]
    public async Task AdjustStock_PastWhatACenterMayHold_IsRefused(int onHand, int delta, bool accepted)
    {
        var sku = stack.NewSku();
        await stack.CreateProductAsync(CatalogAdmin.Variant(sku, "10.00"));
        await AdjustAsync(sku, "FC-EAST", 1);
        await SetOnHandAsync(sku, onHand);
        try
        {
            var payload = (await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = "FC-EAST", delta })).Data.GetProperty("adjustStock");

            Assert.Equal(accepted ? [] : ["INVALID_INPUT"], payload.ErrorCodes());
            if (accepted)
                Assert.Equal(onHand + delta, payload.GetProperty("stockLevel").GetProperty("onHand").GetInt32());
        }
        finally
        {
            // Not left for the catalog's other tests to count.
            await SetOnHandAsync(sku, 1);
        }
    }

    /// <summary>
    /// Two variants of one product, each holding as much as every center may (500,000,000 a
    /// center): the product's units add up past a 32-bit count, which its availability summed
    /// into one (an internal error, and the whole product null). The counts now stop at the
    /// largest 32-bit number; a SKU's own never reaches it (3 × 500,000,000).
    /// </summary>
    [Fact]
    public async Task AProductWhoseVariantsHoldMoreThanA32BitCount_IsInStock_NotAnError()
    {
        var (a, b) = (stack.NewSku(), stack.NewSku());
        var id = (await stack.CreateProductAsync(CatalogAdmin.Variant(a, "10.00"), CatalogAdmin.Variant(b, "12.00"))).GetProperty("id").GetString()!;
        foreach (var sku in new[] { a, b })
            foreach (var center in new[] { "FC-EAST", "FC-WEST", "FC-CENTRAL" })
                await AdjustAsync(sku, center, 1);
        await using (var connection = new NpgsqlConnection(stack.Settings.PostgresConnectionString(Subgraph.Named(ServiceNames.Catalog).Database)))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("update catalog.inventory set on_hand = 500000000 where sku = any($1)", connection) { Parameters = { new() { Value = new[] { a, b } } } };
            Assert.Equal(6, await command.ExecuteNonQueryAsync());
        }

        var product = await stack.ProductAsync(id);

        Assert.Equal("IN_STOCK", product.GetProperty("availability").GetString());
        Assert.All(product.GetProperty("variants").EnumerateArray(), v => Assert.Equal(1_500_000_000, v.GetProperty("quantityAvailable").GetInt32()));
    }

    private async Task SetOnHandAsync(string sku, int onHand)
    {
        await using var connection = new NpgsqlConnection(stack.Settings.PostgresConnectionString(Subgraph.Named(ServiceNames.Catalog).Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("update catalog.inventory set on_hand = $2 where sku = $1", connection) { Parameters = { new() { Value = sku }, new() { Value = onHand } } };
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
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
