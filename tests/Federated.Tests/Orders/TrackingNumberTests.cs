using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// Two parcels drawing the same tracking number (16 to 20 random digits: rare, but a carrier's
/// number names one parcel). One order is delivered with a random number; a second orders
/// instance, with fault injection making the parcels of one other customer's orders draw that
/// same number first, ships that customer's order: its wave is refused by the unique index on
/// tracking numbers, writes its orders one by one with new numbers, and the order is
/// delivered, not held.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class TrackingNumberTests(FederatedStack stack)
{
    private const string Query = "query($id: ID!) { order(id: $id) { status shipments { status trackingNumber } } }";

    [Fact]
    public async Task AParcelDrawingANumberAnotherHas_DrawsAgain_AndIsDelivered()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var (first, second) = (stack.NewShopper(), stack.NewShopper());
        await stack.AddToCartAsync(first, sku, 1);
        await stack.AddToCartAsync(second, sku, 1);
        var firstId = (await stack.PlaceAsync(first)).GetProperty("order").GetProperty("id").GetString()!;
        var firstOrder = await stack.WaitForStatusAsync(first, firstId, Query, "DELIVERED");
        var taken = Assert.Single(firstOrder.GetProperty("shipments").EnumerateArray()).GetProperty("trackingNumber").GetString()!;

        // Its waves find the order due before the fixture's do (1 s against 4 s).
        using var instance = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-tracking", new Dictionary<string, string>
        {
            ["Orders__FaultInjection__TrackingNumber"] = taken,
            ["Orders__FaultInjection__UserId"] = second.Id,
            ["Orders__Fulfillment__StepDelay"] = "00:00:01",
        });
        var secondId = (await stack.PlaceAsync(second)).GetProperty("order").GetProperty("id").GetString()!;
        var secondOrder = await stack.WaitForStatusAsync(second, secondId, Query, "DELIVERED");

        Assert.Equal("DELIVERED", secondOrder.GetProperty("status").GetString());
        var drawn = Assert.Single(secondOrder.GetProperty("shipments").EnumerateArray()).GetProperty("trackingNumber").GetString();
        Assert.NotEqual(taken, drawn);
        Assert.Matches("^9400[0-9]{18}$", drawn);
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.shipments where "TrackingNumber" = $1""", taken));
    }
}
