using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;
using Npgsql;

namespace Federated.Tests.Orders;

/// <summary>
/// The orders service killed in the middle of placeOrder (SIGKILL of the whole process, no
/// shutdown), then started again. A second orders instance runs beside the fixture's, over
/// the same stores, with fault injection holding placeOrder after the chosen step so the kill
/// lands exactly there. The order row, left Pending, is the durable record: whichever instance
/// sweeps for interrupted placements first refuses it cleanly: stock released, payment voided,
/// nothing charged, nothing left waiting.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class CrashRecoveryTests(FederatedStack stack)
{
    private const string Instance = "orders-crash";
    private const string WaveInstance = "orders-wave-crash";

    [Theory]
    [InlineData("reservation")]
    [InlineData("authorization")]
    public async Task KilledDuringPlaceOrder_AndRestarted_TheOrderIsReleased_AndNothingIsCharged(string step)
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var crashing = await stack.StartInstanceAsync(ServiceNames.Orders, Instance, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = step,
        });

        // The shopper's request reaches the instance that is about to die.
        var placing = stack.PlaceAsync(shopper, key: "crash", service: Instance);
        var orderId = await RecordedOrderAsync(shopper);
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 3 ? "reserved" : null);
        if (step == "authorization")
            await WaitForAsync(async () => await LedgerOutcomeAsync(orderId) == "Authorized" ? "authorized" : null);

        if (step == "reservation")
            Assert.Null(await LedgerOutcomeAsync(orderId));
        crashing.Dispose();
        await Assert.ThrowsAsync<HttpRequestException>(() => placing);
        Assert.Equal("Pending", await ScalarAsync<string>("""select "Status" from orders.orders where "Id" = $1""", orderId));
        // Restarted with a pending timeout of 2 s, where the fixture's instance waits 20 s: the
        // restarted instance is the one that finds the interrupted placement and refuses it, as
        // the only instance of a deployment would.
        using var restarted = await stack.StartInstanceAsync(ServiceNames.Orders, Instance, new Dictionary<string, string>
        {
            ["Orders__PendingTimeout"] = "00:00:02",
        });

        // The order is refused, and settling gives everything back.
        await WaitForAsync(async () => await ScalarAsync<string>("""select "FailureCode" from orders.orders where "Id" = $1 and "Status" = 'Failed'""", orderId),
            TimeSpan.FromSeconds(60));
        // Its log line follows the refusal's commit (the console logger writes in the background).
        await Eventually.WaitForAsync(() => Task.FromResult(restarted.Wrote($"Order {orderId} expired while Pending")), () => restarted.Tail(), TimeSpan.FromSeconds(10));
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5 ? "released" : null);
        Assert.Equal("ORDER_INTERRUPTED", await ScalarAsync<string>("""select "FailureCode" from orders.orders where "Id" = $1""", orderId));
        Assert.Equal("Voided", await LedgerOutcomeAsync(orderId));
        await WaitForAsync(async () => await ScalarAsync<string>("""select "Status"::text from orders.payments where "OrderId" = $1 and "Status" = 'Voided'""", orderId));

        // The shopper asking again with the same key gets the same clean refusal, from either instance.
        Assert.Equal(["ORDER_INTERRUPTED"], (await stack.PlaceAsync(shopper, key: "crash")).ErrorCodes());
        Assert.Equal(["ORDER_INTERRUPTED"], (await stack.PlaceAsync(shopper, key: "crash", service: Instance)).ErrorCodes());
        // Nothing is stuck: no message of this order is failing.
        await stack.AssertNoMessageFailingAsync(orderId);
    }

    /// <summary>
    /// A placement that outlives the pending timeout without dying (a stalled instance, a
    /// provider slow past all reason): the sweep refuses the order as interrupted and gives
    /// its units and money back meanwhile. When the placement then goes on, its save of the
    /// paid order finds the order changed and writes nothing, and the shopper is answered
    /// with the refusal the order now stands at, not an internal error.
    /// </summary>
    [Fact]
    public async Task APlacementOutlivedByTheSweep_SavesNothing_AndAnswersTheRefusal()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        using var stalling = await StallAsync(shopper, "authorization", "00:00:35");

        var placing = stack.PlaceAsync(shopper, key: "stalled", service: StallInstance);
        var orderId = await RecordedOrderAsync(shopper);
        // Pending for Orders:PendingTimeout (20 s in the tests): refused, released and voided while the placement waits.
        await WaitForAsync(async () => await ScalarAsync<string>("""select "FailureCode" from orders.orders where "Id" = $1 and "Status" = 'Failed'""", orderId),
            TimeSpan.FromSeconds(60));
        await WaitForAsync(async () => await LedgerOutcomeAsync(orderId) == "Voided" ? "voided" : null);
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5 ? "released" : null);

        var answer = await placing;

        Assert.Equal(["ORDER_INTERRUPTED"], answer.ErrorCodes());
        Assert.Equal("Failed", await ScalarAsync<string>("""select "Status" from orders.orders where "Id" = $1""", orderId));
        await WaitForAsync(async () => await ScalarAsync<string>("""select "Status" from orders.payments where "OrderId" = $1 and "Status" = 'Voided'""", orderId));
        Assert.Equal("Voided", await LedgerOutcomeAsync(orderId));
        Assert.Equal(5, await stack.AvailableAsync(sku));
        // The cart was not emptied by an order that does not stand: placing it again works.
        Assert.Empty((await stack.PlaceAsync(shopper)).ErrorCodes());
    }

    /// <summary>
    /// The same, stalled before its reservation: the sweep refuses the order and releases what
    /// it holds (nothing yet, which the catalog remembers), so the reservation that comes late is
    /// refused as released, and the shopper is answered with the refusal, not an internal error.
    /// </summary>
    [Fact]
    public async Task APlacementOutlivedByTheSweepBeforeItsReservation_HoldsAndChargesNothing_AndAnswersTheRefusal()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        using var stalling = await StallAsync(shopper, "insert", "00:00:35");

        var placing = stack.PlaceAsync(shopper, key: "stalled-early", service: StallInstance);
        var orderId = await RecordedOrderAsync(shopper);
        await WaitForAsync(async () => await ScalarAsync<string>("""select "FailureCode" from orders.orders where "Id" = $1 and "Status" = 'Failed'""", orderId),
            TimeSpan.FromSeconds(60));

        var answer = await placing;

        Assert.Equal(["ORDER_INTERRUPTED"], answer.ErrorCodes());
        Assert.Equal(5, await stack.AvailableAsync(sku));
        // Never authorized: the settlement's void left the provider a tombstone, so a late try is refused there too.
        await WaitForAsync(async () => await LedgerOutcomeAsync(orderId) == "Voided" ? "voided" : null);
    }

    private const string StallInstance = "orders-stall";

    /// <summary>An orders instance beside the fixture's whose placements of <paramref name="shopper"/>'s orders pause after <paramref name="step"/> for <paramref name="pause"/>.</summary>
    private Task<ChildProcess> StallAsync(Shopper shopper, string step, string pause) =>
        stack.StartInstanceAsync(ServiceNames.Orders, StallInstance, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = step,
            ["Orders__FaultInjection__UserId"] = shopper.Id,
            ["Orders__FaultInjection__Pause"] = pause,
        });

    /// <summary>The id of <paramref name="shopper"/>'s order, once its placement has recorded it.</summary>
    private Task<string> RecordedOrderAsync(Shopper shopper) =>
        WaitForAsync(async () => await ScalarAsync<string>("""select "Id" from orders.orders where "UserId" = $1""", shopper.Id));

    /// <summary>
    /// Redis stops answering after the card is authorized, so the paid order is saved but its
    /// lines cannot be taken out of the cart: the shopper is still answered with the order, not
    /// with an error that would read as a failed checkout (and invite a second order and charge
    /// under a new key); the same key answers the same order.
    /// </summary>
    [Fact]
    public async Task RedisSilentOnceTheOrderIsSaved_TheShopperIsAnsweredWithTheOrder()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        using var stalling = await StallAsync(shopper, "authorization", "00:00:06");

        var placing = stack.PlaceAsync(shopper, key: "redis-silent", service: StallInstance);
        var orderId = await RecordedOrderAsync(shopper);
        await WaitForAsync(async () => await LedgerOutcomeAsync(orderId) == "Authorized" ? "authorized" : null);
        // Longer than the service waits for Redis (5 s) after the pause ends and the order is saved.
        var (exitCode, output) = await stack.RedisAsync(["client", "pause", "14000", "ALL"]);
        Assert.True(exitCode == 0, output);
        Assert.False(placing.IsCompleted, "Redis was paused after the placement answered.");

        var answer = await placing;

        Assert.Empty(answer.ErrorCodes());
        Assert.Equal(orderId, answer.GetProperty("order").GetProperty("id").GetString());
        Assert.Equal("PAID", answer.GetProperty("order").GetProperty("status").GetString());
        // Once Redis is back, the same key answers the order, and its lines are out of the cart
        // (the removal the service gave up waiting for is run by Redis when its pause ends, or
        // by the replay).
        await Eventually.WaitForAsync(async () => (await stack.RedisAsync(["ping"])).Output.Contains("PONG", StringComparison.Ordinal),
            () => "Redis did not answer again.");
        var replayed = await stack.PlaceAsync(shopper, key: "redis-silent");
        Assert.Empty(replayed.ErrorCodes());
        Assert.Equal(orderId, replayed.GetProperty("order").GetProperty("id").GetString());
        Assert.Empty(await stack.CartLinesAsync(shopper));
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", shopper.Id));
    }

    /// <summary>
    /// The cart's claim lost in Redis while an order of it is placed (a failover, an eviction, a
    /// lease outlived): a second placement of the cart under another key still begins no second
    /// order, since the database keeps one order in placement per customer. Only the first
    /// order holds units and money.
    /// </summary>
    [Fact]
    public async Task TheCartsClaimLostWhileAnOrderIsPlaced_ASecondPlacementIsRefused_AndOnlyTheFirstIsCharged()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        using var stalling = await StallAsync(shopper, "reservation", "00:00:08");

        var placing = stack.PlaceAsync(shopper, key: "first", service: StallInstance);
        await RecordedOrderAsync(shopper);
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 3 ? "reserved" : null);
        var (exitCode, output) = await stack.RedisAsync(["del", stack.CartKey($"u.{shopper.Id}") + ":placing"]);
        Assert.True(exitCode == 0 && output.Trim().EndsWith('1'), output);

        var second = await stack.PlaceAsync(shopper, key: "second");
        var first = await placing;

        Assert.Equal(["CHECKOUT_IN_PROGRESS"], second.ErrorCodes());
        Assert.Empty(first.ErrorCodes());
        Assert.Equal("PAID", first.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", shopper.Id));
        Assert.Equal(1L, await stack.OrdersCountAsync("""
            select count(*) from orders.simulated_provider_ledger l join orders.orders o on o."Id" = l.idempotency_key where o."UserId" = $1
            """, shopper.Id));
        Assert.Equal(3, await stack.AvailableAsync(sku));
    }

    /// <summary>
    /// The instance killed after the order was saved as paid, before its lines left the cart,
    /// and the shopper never sends the same key again (the app was closed): the lines are taken
    /// out of the cart by the sweep once the cart's claim lapses, and the cart is freed. Before,
    /// they stayed, and the shopper's next checkout (a new key) ordered and charged them again.
    /// </summary>
    [Fact]
    public async Task KilledAfterTheOrderIsSaved_BeforeItsLinesLeaveTheCart_TheyAreTakenOut_AndNotOrderedTwice()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        // A pending timeout of 3 s gives the claim a lease of 7 s (3 s and two sweeps of 2 s):
        // the fixture's instance, which sweeps every second, finds it then.
        var crashing = await stack.StartInstanceAsync(ServiceNames.Orders, Instance, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = "accept",
            ["Orders__FaultInjection__UserId"] = shopper.Id,
            ["Orders__PendingTimeout"] = "00:00:03",
        });

        var placing = stack.PlaceAsync(shopper, key: "saved-then-killed", service: Instance);
        var orderId = await WaitForAsync(async () => await ScalarAsync<string>("""select "Id" from orders.orders where "UserId" = $1 and "Status" = 'Paid'""", shopper.Id));
        crashing.Dispose();
        await Assert.ThrowsAsync<HttpRequestException>(() => placing);

        // No request of the shopper's: the sweep takes the order's lines out, and a new checkout
        // finds nothing to order, where it placed the lines again.
        await stack.AssertTheSweepEmptiesTheCartAsync(shopper, sku, available: 3, nextKey: "next-checkout");
        Assert.Equal(orderId, (await stack.PlaceAsync(shopper, key: "saved-then-killed")).GetProperty("order").GetProperty("id").GetString());
        Assert.Equal("Authorized", await LedgerOutcomeAsync(orderId));
    }

    /// <summary>
    /// An instance killed in the middle of a fulfillment wave: after the wave's calls (the units
    /// committed in the catalog, the payment captured at the provider), before its save. The
    /// wave's transaction dies with the process, so the order stands as it was, and the next
    /// wave (the fixture's instance) makes the same calls again, which change nothing the second
    /// time: the order is delivered, the payment captured once, the units taken out of stock once.
    /// </summary>
    [Fact]
    public async Task KilledInTheMiddleOfAWave_TheNextWaveShipsTheOrder_CapturingAndCommittingOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        // Its waves find the order due before the fixture's do (1 s against 4 s), so it is the one that ships it.
        var crashing = await stack.StartInstanceAsync(ServiceNames.Orders, WaveInstance, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = "capture",
            ["Orders__FaultInjection__UserId"] = shopper.Id,
            ["Orders__Fulfillment__StepDelay"] = "00:00:01",
        });
        var orderId = (await stack.PlaceAsync(shopper, key: "wave-crash")).GetProperty("order").GetProperty("id").GetString()!;

        // The money first, then the units.
        await WaitForAsync(async () => await LedgerOutcomeAsync(orderId) == "Captured" ? "captured" : null);
        await WaitForAsync(async () => (await stack.StockLevelsAsync(sku))["FC-EAST"] == (3, 0) ? "committed" : null);
        // The wave is paused before its save: the store has not recorded the shipment (the
        // capture's webhook may already have told it about the payment, which is its own record).
        Assert.Equal("Fulfilling", await ScalarAsync<string>("""select "Status" from orders.orders where "Id" = $1""", orderId));
        crashing.Dispose();

        await WaitForAsync(async () => await ScalarAsync<string>("""select "Status" from orders.orders where "Id" = $1 and "Status" = 'Delivered'""", orderId),
            TimeSpan.FromSeconds(60));
        Assert.Equal("Captured", await ScalarAsync<string>("""select "Status" from orders.payments where "OrderId" = $1""", orderId));
        Assert.Equal(1L, await stack.OrdersCountAsync("select count(*) from orders.simulated_provider_events where idempotency_key = $1 and type = 'payment.captured'", orderId));
        Assert.Equal((3, 0), (await stack.StockLevelsAsync(sku))["FC-EAST"]);
        Assert.Equal(["InTransit", "Delivered"], await ShipmentEventsAsync(orderId));
    }

    /// <summary>The statuses of the order's shipment events after packing, in order: each step recorded once.</summary>
    private async Task<List<string>> ShipmentEventsAsync(string orderId)
    {
        await using var connection = await stack.OpenOrdersDatabaseAsync();
        await using var command = new NpgsqlCommand("""
            select e."Status" from orders.shipment_events e join orders.shipments s on s."Id" = e."ShipmentId"
            where s."OrderId" = $1 and e."Status" <> 'Packed' order by e."Sequence"
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = orderId });
        var statuses = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            statuses.Add(reader.GetString(0));
        return statuses;
    }

    private Task<string?> LedgerOutcomeAsync(string orderId) =>
        ScalarAsync<string>("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException("The expected state was not reached in time.");
            await Task.Delay(200);
        }
    }

    private async Task<T?> ScalarAsync<T>(string sql, string parameter) => (T?)await stack.OrdersScalarAsync(sql, parameter);
}
