using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Orders;

/// <summary>
/// No index of the orders table holds the status or the time of the last change: orders in
/// placement or on hold are found by a queue column a trigger derives from the status, and
/// orders in fulfillment in a narrow table a trigger keeps with the time of their last change.
/// So an order's steps from paid to delivered (packed, shipped, delivered) are HOT updates: a
/// new version in the same page and no new entry in any index. Before, each of an order's four
/// or five changes wrote an entry in each of five indexes: half of the WAL records the checkout
/// benchmark wrote were B-tree insertions, and not one update of an order was HOT.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class OrderQueueTests(FederatedStack stack)
{
    private const string Query = "query($id: ID!) { order(id: $id) { status } }";

    [Fact]
    public async Task NoIndexOfTheOrdersTable_HoldsAColumnAStepChanges()
    {
        var definitions = new List<string>();
        foreach (var index in new[] { "PK_orders", "IX_orders_Number", "IX_orders_UserId_IdempotencyKey", "IX_orders_UserId_PlacedAt", "IX_orders_UserId_Pending", "IX_orders_HeldAt_Id_OnHold" })
            definitions.Add((string)(await stack.OrdersScalarAsync("select indexdef from pg_indexes where schemaname = 'orders' and tablename = 'orders' and indexname = $1", index))!);
        Assert.Equal(definitions.Count, await stack.OrdersCountAsync("select count(*) from pg_indexes where schemaname = 'orders' and tablename = $1", "orders"));
        foreach (var definition in definitions)
        {
            Assert.DoesNotContain("\"Status\"", definition);
            Assert.DoesNotContain("\"UpdatedAt\"", definition);
            Assert.DoesNotContain("\"HoldReason\"", definition);
            Assert.DoesNotContain("\"Allocation\"", definition);
        }
        Assert.Contains("WHERE ((\"Queue\")::text = 'pending'::text)", definitions[4]);
    }

    [Fact]
    public async Task AnOrdersStepsFromPaidToDelivered_AreHotUpdates_AndLeaveTheFulfillmentQueue()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        // The tests run one at a time: orders other tests left moving through fulfillment may
        // add HOT updates of their own meanwhile, never remove any.
        var before = await HotUpdatesAsync();
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        await stack.WaitForStatusAsync(shopper, orderId, Query, "DELIVERED");

        // Packed, shipped, delivered. Each backend reports its counts to the statistics within
        // seconds of going idle.
        long after = before;
        await Eventually.WaitForAsync(async () => (after = await HotUpdatesAsync()) - before >= 3,
            () => $"{after - before} HOT updates of orders while an order went from paid to delivered.");
        // Delivered, it waits in no queue: no wave reads it again.
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "Id" = $1 and "Queue" is null""", orderId));
        Assert.Equal(0L, await stack.OrdersCountAsync("select count(*) from orders.fulfillment_queue where order_id = $1", orderId));
    }

    private async Task<long> HotUpdatesAsync() =>
        await stack.OrdersCountAsync("select pg_stat_get_tuples_hot_updated($1::regclass)", "orders.orders");
}
