using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;
using static Federated.Tests.Infrastructure.Eventually;

namespace Federated.Tests.Orders;

/// <summary>
/// The network between orders and the catalog failing: a second orders instance reaches the
/// catalog through a proxy (<see cref="FaultyProxy"/>). In the middle of placeOrder, the proxy
/// loses the catalog's answer to the reservation (the catalog did hold the units) and then
/// refuses every connection for a while, so the inline release fails too: the order must be
/// refused cleanly, the shopper told to try again, nothing charged, and the units given back
/// once the catalog can be reached. A cancel while the catalog cannot be reached is accepted,
/// and its units come back the same way.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class CatalogOutageTests(FederatedStack stack)
{
    private const string Instance = "orders-catalog-outage";

    [Fact]
    public async Task TheReservationsAnswerLost_AndTheCatalogUnreachable_TheOrderIsRefused_NothingCharged_AndTheUnitsComeBackLater()
    {
        var (sku, shopper) = await TwoUnitsInACartAsync();
        await using var outage = await stack.StartWithCatalogBehindProxyAsync(Instance);
        var proxy = outage.Proxy;

        proxy.LoseTheAnswerTo("reserveStock");
        var refused = await stack.PlaceAsync(shopper, key: "outage", service: Instance);

        Assert.Equal(["CATALOG_UNAVAILABLE"], refused.ErrorCodes());
        Assert.Equal(1, proxy.AnswersLost);
        var orderId = (string)(await stack.OrdersScalarAsync("""select "Id" from orders.orders where "UserId" = $1""", shopper.Id))!;
        Assert.Equal("Failed", await stack.OrdersScalarAsync("""select "Status" from orders.orders where "Id" = $1""", orderId));
        // The catalog did reserve: its answer was lost, and the release could not reach it.
        Assert.Equal(3, await stack.AvailableAsync(sku));
        Assert.Equal(["CATALOG_UNAVAILABLE"], (await stack.PlaceAsync(shopper, key: "outage", service: Instance)).ErrorCodes());

        // The catalog reachable again, the durable settlement gives the units back.
        proxy.Restore();
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5, () => "The lost reservation was not released.", TimeSpan.FromSeconds(60));
        // Never charged: the provider knows the order at most as voided, by the settlement.
        Assert.Contains(await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId), new object?[] { null, "Voided" });
        await stack.AssertNoMessageFailingAsync(orderId);
        // The cart is as it was: the shopper tries again under a new key, and it goes through.
        var placed = await stack.PlaceAsync(shopper, service: Instance);
        Assert.Empty(placed.ErrorCodes());
        Assert.Equal(3, await stack.AvailableAsync(sku));
    }

    /// <summary>
    /// A line removed while the catalog cannot be reached: it leaves the cart, and the answer says
    /// the change stands though the rest cannot be priced (<c>CART_PRICING_UNAVAILABLE</c>). Before,
    /// the answer was CATALOG_UNAVAILABLE, with the line already gone.
    /// </summary>
    [Fact]
    public async Task RemovingALineWhileTheCatalogCannotBeReached_RemovesIt_AndSaysTheChangeStands()
    {
        var (sku, shopper) = await TwoUnitsInACartAsync();
        var other = await stack.StockedSkuAsync(("FC-EAST", 5));
        await stack.AddToCartAsync(shopper, other, 1);
        await using var outage = await stack.StartWithCatalogBehindProxyAsync(Instance);

        outage.Proxy.Refuse();
        var removed = await stack.CallAsync(shopper, CartTests.RemoveLine, new { lineId = sku }, Instance);
        outage.Proxy.Restore();

        Assert.Equal(["CART_PRICING_UNAVAILABLE"], removed.ErrorCodes());
        Assert.Equal([(other, 1)], await stack.CartLinesAsync(shopper));
    }

    [Fact]
    public async Task CancellingWhileTheCatalogCannotBeReached_IsAccepted_TheMoneyGoesBackAtOnce_AndTheUnitsOnceTheCatalogAnswers()
    {
        var (sku, shopper) = await TwoUnitsInACartAsync();
        await using var outage = await stack.StartWithCatalogBehindProxyAsync(Instance);
        var proxy = outage.Proxy;
        var orderId = (await stack.PlaceAsync(shopper, service: Instance)).GetProperty("order").GetProperty("id").GetString()!;
        Assert.Equal(3, await stack.AvailableAsync(sku));

        proxy.Refuse();
        var cancelled = await stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId }, Instance);

        Assert.Empty(cancelled.ErrorCodes());
        Assert.Equal("CANCELLED", cancelled.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal("Voided", await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId));
        // And recorded so at once: the void was saved only with the release, so until the catalog
        // answered, the cancelled order read back showed its payment authorized.
        Assert.Equal("Voided", await stack.OrdersScalarAsync("""select "Status" from orders.payments where "OrderId" = $1""", orderId));
        Assert.Equal(3, await stack.AvailableAsync(sku));

        proxy.Restore();
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5, () => "The cancelled order's units were not released.", TimeSpan.FromSeconds(60));
        await WaitForAsync(async () => (string?)await stack.OrdersScalarAsync("""select "Status" from orders.payments where "OrderId" = $1""", orderId) == "Voided",
            () => "The cancelled order's payment was not recorded as voided.");
        Assert.Equal("Cancelled", await stack.OrdersScalarAsync("""select "Status" from orders.orders where "Id" = $1""", orderId));
        await stack.AssertNoMessageFailingAsync(orderId);
    }

    /// <summary>A SKU with 5 units, and a new shopper with 2 of them in the cart.</summary>
    /// <summary>
    /// Orders refused because the catalog could not be reached never sent the card to the
    /// provider, so they are no card test: ten of them (each payment voided by its settlement
    /// once the catalog answers) do not make the card-velocity rule decline the shopper's next
    /// order. They did: a payment no longer pending was counted as a card tried.
    /// </summary>
    [Fact]
    public async Task OrdersRefusedBeforeTheCardWasTried_DoNotCountAsCardTests()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 20));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        await using var outage = await stack.StartWithCatalogBehindProxyAsync(Instance);
        var proxy = outage.Proxy;
        for (var i = 0; i < 10; i++)
        {
            proxy.LoseTheAnswerTo("reserveStock");
            Assert.Equal(["CATALOG_UNAVAILABLE"], (await stack.PlaceAsync(shopper, key: $"outage-{i}", service: Instance)).ErrorCodes());
            proxy.Restore();
        }
        await WaitForAsync(async () => await stack.OrdersCountAsync("""
            select count(*) from orders.payments p join orders.orders o on o."Id" = p."OrderId" where o."UserId" = $1 and p."Status" = 'Voided'
            """, shopper.Id) == 10, () => "The ten refused orders' payments were not all voided by their settlements.", TimeSpan.FromSeconds(60));

        var placed = await stack.PlaceAsync(shopper, service: Instance);

        Assert.Empty(placed.ErrorCodes());
        Assert.Equal("PAID", placed.GetProperty("order").GetProperty("status").GetString());
    }

    private async Task<(string Sku, Shopper Shopper)> TwoUnitsInACartAsync()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        return (sku, shopper);
    }
}
