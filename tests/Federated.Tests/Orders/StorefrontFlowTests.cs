using System.Globalization;
using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// The whole purchase as a storefront makes it, every step through the .NET gateway: a guest
/// fills a cart, registers, finds the cart merged, applies a code, asks for shipping rates,
/// places the order, watches it be delivered, and finds it in the order history with its
/// product resolved by the gateway.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class StorefrontFlowTests(FederatedStack stack)
{
    private const string Gateway = ServiceNames.DotnetGateway;

    [Fact]
    public async Task FromAnEmptyCart_ToADeliveredOrder_ThroughTheGateway()
    {
        var sku = await stack.StockedSkuAsync("20.00", 500, ("FC-EAST", 5));

        // A guest's cart: its id comes back with the first line and is sent as X-Cart-Id from then on.
        var guest = await CallAsync(CartTests.AddToCart, new { sku, quantity = 2 }, null, null);
        var cartId = guest.GetProperty("cart").GetProperty("id").GetString()!;
        Assert.StartsWith("g.", cartId);

        // Registering and sending the guest cart id merges it into the account's cart.
        var account = await stack.RegisterAsync();
        var cart = (await stack.PostAsync(Gateway, "{ cart { id lines { quantity variant { sku product { name } } } } }", null, null,
            CartTests.Headers(account, cartId))).Data.GetProperty("cart");
        var line = Assert.Single(cart.GetProperty("lines").EnumerateArray());
        Assert.Equal(2, line.GetProperty("quantity").GetInt32());
        Assert.Equal(sku, line.GetProperty("variant").GetProperty("sku").GetString());
        Assert.False(string.IsNullOrEmpty(line.GetProperty("variant").GetProperty("product").GetProperty("name").GetString()));

        Assert.Empty((await CallAsync(CartTests.ApplyCode, new { code = "WELCOME10" }, account, null)).ErrorCodes());
        var rates = await CallAsync(CartTests.Rates, new { address = Checkout.Illinois }, account, null);
        var rate = rates.GetProperty("rates").EnumerateArray().First(r => r.GetProperty("carrier").GetString() == "USPS");

        var placed = await CallAsync(Checkout.PlaceOrder, new
        {
            idempotencyKey = $"flow-{stack.RunId}",
            shippingAddress = Checkout.Illinois,
            shippingRateId = rate.GetProperty("id").GetString(),
            payment = new { cardToken = "tok_visa" },
        }, account, null);
        Assert.Empty(placed.ErrorCodes());
        var order = placed.GetProperty("order");
        var orderId = order.GetProperty("id").GetString()!;
        Assert.Equal("PAID", order.GetProperty("status").GetString());
        // To the cent: 2 x 20.00, 10% off, the quoted shipping, Illinois' 6.25% on the goods after discount.
        Assert.Equal("40.00", Amount(order, "subtotal"));
        Assert.Equal("4.00", Amount(order, "discount"));
        Assert.Equal(rate.GetProperty("price").GetProperty("amount").GetString(), Amount(order, "shipping"));
        Assert.Equal("2.25", Amount(order, "tax"));
        Assert.Equal((36.00m + decimal.Parse(Amount(order, "shipping"), CultureInfo.InvariantCulture) + 2.25m).ToString("0.00", CultureInfo.InvariantCulture),
            Amount(order, "total"));

        // Fulfillment moves it on (one step every 4 s in the tests).
        JsonElement tracked;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(500);
            tracked = (await stack.PostAsync(Gateway, "query($id: ID!) { order(id: $id) { status payment { status } shipments { trackingNumber status } } }",
                new { id = orderId }, null, account.Bearer)).Data.GetProperty("order");
        }
        while (tracked.GetProperty("status").GetString() != "DELIVERED" && DateTime.UtcNow < deadline);
        Assert.Equal("DELIVERED", tracked.GetProperty("status").GetString());
        Assert.Equal("CAPTURED", tracked.GetProperty("payment").GetProperty("status").GetString());
        var shipment = Assert.Single(tracked.GetProperty("shipments").EnumerateArray());
        Assert.False(string.IsNullOrEmpty(shipment.GetProperty("trackingNumber").GetString()));
        Assert.Equal("DELIVERED", shipment.GetProperty("status").GetString());

        // The history, with the product resolved by the gateway; the cart is empty again.
        var me = (await stack.PostAsync(Gateway, "{ me { orders(first: 5) { nodes { id status lines { quantity variant { sku product { name } } } } } } cart { lines { quantity } } }",
            null, null, account.Bearer)).Data;
        var history = Assert.Single(me.GetProperty("me").GetProperty("orders").GetProperty("nodes").EnumerateArray());
        Assert.Equal(orderId, history.GetProperty("id").GetString());
        Assert.Equal(line.GetProperty("variant").GetProperty("product").GetProperty("name").GetString(),
            history.GetProperty("lines")[0].GetProperty("variant").GetProperty("product").GetProperty("name").GetString());
        Assert.Empty(me.GetProperty("cart").GetProperty("lines").EnumerateArray());
        Assert.Equal(3, await stack.AvailableAsync(sku));
    }

    private async Task<JsonElement> CallAsync(string mutation, object input, Account? account, string? cartId) =>
        (await stack.PostAsync(Gateway, mutation, new { input }, null, CartTests.Headers(account, cartId))).Data.EnumerateObject().Single().Value;

    private static string Amount(JsonElement order, string field) => order.GetProperty(field).GetProperty("amount").GetString()!;
}
