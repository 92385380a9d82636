using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;
using Npgsql;

namespace Federated.Tests.Orders;

/// <summary>
/// What fulfillment does with an order it cannot take on normally: nothing ships without the
/// money, and one order's trouble does not hold up the others in its wave.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class FulfillmentHoldTests(FederatedStack stack)
{
    private const string Query = "query($id: ID!) { order(id: $id) { status holdReason payment { status } shipments { status events { status location } } } }";

    /// <summary>
    /// Every carrier's parcels ship with a tracking number in its shape: a UPS number used to be
    /// cut from too few digits, which threw in the middle of the wave and rolled back every order
    /// claimed with it, wave after wave, after its stock was committed and its money captured.
    /// </summary>
    [Theory]
    [InlineData("ups-ground-domestic", "UPS", "^1Z[0-9]{16}$")]
    [InlineData("fedex-priority-overnight-domestic", "FedEx", "^96[0-9]{20}$")]
    [InlineData("usps-ground-advantage-domestic", "USPS", "^9400[0-9]{18}$")]
    [InlineData("dhl-economy-select-europe", "DHL", "^JJD[0-9]{18}$")]
    public async Task EveryCarriersParcels_ShipWithItsTrackingNumber_AndAreDelivered(string rate, string carrier, string pattern)
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var address = carrier == "DHL" ? new { name = "Ada Buyer", line1 = "1 Hauptstrasse", city = "Berlin", region = (string?)null, postalCode = "10115", country = "DE" } : null;
        // A card issued where it ships, or the fraud rules hold the order for review.
        var orderId = (await stack.PlaceAsync(shopper, carrier == "DHL" ? "tok_visa_de" : "tok_visa", rate: rate, address: address)).GetProperty("order").GetProperty("id").GetString()!;
        const string query = "query($id: ID!) { order(id: $id) { status shipments { carrier trackingNumber status } } }";

        var order = await stack.WaitForStatusAsync(shopper, orderId, query, "DELIVERED");

        Assert.Equal("DELIVERED", order.GetProperty("status").GetString());
        var parcel = Assert.Single(order.GetProperty("shipments").EnumerateArray());
        Assert.Equal(carrier, parcel.GetProperty("carrier").GetString());
        Assert.Matches(pattern, parcel.GetProperty("trackingNumber").GetString());
    }

    /// <summary>
    /// A step that throws for one order (a defect its data meets, as the short UPS tracking
    /// number was; forced here by fault injection) holds that order for review, and the other
    /// orders of its waves move on: the wave is not rolled back and claimed again forever.
    /// </summary>
    [Fact]
    public async Task AnOrderWhoseStepThrows_IsHeld_WhileTheOthersOfItsWavesAreDelivered()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var failing = stack.NewShopper();
        var fine = stack.NewShopper();
        await stack.AddToCartAsync(failing, sku, 1);
        await stack.AddToCartAsync(fine, sku, 1);
        // Its waves find the orders due before the fixture's do (1 s against 4 s).
        using var instance = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-failing-step", new Dictionary<string, string>
        {
            ["Orders__FaultInjection__FailStepOf"] = failing.Id,
            ["Orders__Fulfillment__StepDelay"] = "00:00:01",
        });
        var failingId = (await stack.PlaceAsync(failing)).GetProperty("order").GetProperty("id").GetString()!;
        var fineId = (await stack.PlaceAsync(fine)).GetProperty("order").GetProperty("id").GetString()!;

        var held = await stack.WaitForStatusAsync(failing, failingId, Query, "ON_HOLD");
        var delivered = await stack.WaitForStatusAsync(fine, fineId, Query, "DELIVERED");

        Assert.Equal("ON_HOLD", held.GetProperty("status").GetString());
        Assert.Equal("step_failed", held.GetProperty("holdReason").GetString());
        Assert.Equal("step_failed: its paid step could not be taken; the service's log says why", await stack.AdminHoldReasonAsync(failingId));
        Assert.Empty(held.GetProperty("shipments").EnumerateArray());
        Assert.Equal("AUTHORIZED", held.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("DELIVERED", delivered.GetProperty("status").GetString());
    }

    /// <summary>
    /// An order released by an administrator and held again (its step still fails) waits for a
    /// new review: the release is not shown on it as the decision on the new hold, in
    /// <c>heldOrders</c> or on the order.
    /// </summary>
    [Fact]
    public async Task AnOrderHeldAgainAfterItsRelease_WaitsForANewReview()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        using var instance = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-failing-again", new Dictionary<string, string>
        {
            ["Orders__FaultInjection__FailStepOf"] = shopper.Id,
            ["Orders__Fulfillment__StepDelay"] = "00:00:01",
        });
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        const string query = "query($id: ID!) { order(id: $id) { status holdReason holdReview { decision } } }";
        await stack.WaitForStatusAsync(shopper, orderId, query, "ON_HOLD");
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));

        Assert.Equal("PAID", (await stack.ReviewAsync(admin, orderId, "RELEASE")).GetProperty("status").GetString());
        var held = await stack.WaitForStatusAsync(shopper, orderId, query, "ON_HOLD");

        Assert.Equal("ON_HOLD", held.GetProperty("status").GetString());
        Assert.Equal("step_failed", held.GetProperty("holdReason").GetString());
        Assert.Equal(JsonValueKind.Null, (await stack.AdminOrderAsync(orderId, "holdReview { decision }")).GetProperty("holdReview").ValueKind);
        Assert.Equal("CANCELLED", (await stack.ReviewAsync(admin, orderId, "CANCEL")).GetProperty("status").GetString());
    }

    /// <summary>
    /// An order held after its parcels left (a delivery the database refused to record; written
    /// here as that hold writes it) cannot be cancelled and refunded with its goods on the road,
    /// by the shopper or an administrator; released, it goes back to being shipped, not packed, and is delivered.
    /// </summary>
    [Fact]
    public async Task AnOrderHeldAfterItsParcelsLeft_CannotBeCancelled_AndReleasedIsDelivered()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        await stack.WaitForStatusAsync(shopper, orderId, Query, "SHIPPED");
        await stack.ChangeOneOrderRowAsync("""
            update orders.orders set "Status" = 'OnHold', "HoldReason" = 'step_not_saved: 22001 a test', "UpdatedAt" = now() where "Id" = $1 and "Status" = 'Shipped'
            """, orderId);
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));

        var cancel = await stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId });
        var review = (await stack.PostAsync(ServiceNames.Gateway, "mutation($input: ReviewHeldOrderInput!) { reviewHeldOrder(input: $input) { errors { code } } }",
            new { input = new { orderId, decision = "CANCEL" } }, null, admin)).Data.GetProperty("reviewHeldOrder");

        Assert.Equal(["ORDER_NOT_CANCELLABLE"], cancel.ErrorCodes());
        Assert.Equal(["ORDER_NOT_CANCELLABLE"], review.ErrorCodes());
        Assert.Equal("SHIPPED", (await stack.ReviewAsync(admin, orderId, "RELEASE")).GetProperty("status").GetString());
        var order = await stack.WaitForStatusAsync(shopper, orderId, Query, "DELIVERED");
        Assert.Equal("DELIVERED", order.GetProperty("status").GetString());
        Assert.Equal("CAPTURED", order.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(["PACKED", "IN_TRANSIT", "DELIVERED"], order.GetProperty("shipments")[0].GetProperty("events").EnumerateArray().Select(e => e.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task AnOrderToTheLongestCityAnAddressMayHave_IsDelivered()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var city = new string('C', 100);
        var placed = await stack.PlaceAsync(shopper, address: new { name = "Ada Buyer", line1 = "1 Main St", city, region = "IL", postalCode = "62701", country = "US" });
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;

        var order = await stack.WaitForStatusAsync(shopper, orderId, Query, "DELIVERED");

        Assert.Equal("DELIVERED", order.GetProperty("status").GetString());
        var delivered = Assert.Single(order.GetProperty("shipments")[0].GetProperty("events").EnumerateArray(), e => e.GetProperty("status").GetString() == "DELIVERED");
        Assert.Equal($"{city}, US", delivered.GetProperty("location").GetString());
    }

    [Fact]
    public async Task AnOrderWhoseStepTheDatabaseRefuses_IsHeldForReview_AndTheOthersOfItsWaveMoveOn()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 10));
        var (refused, fine) = (stack.NewShopper(), stack.NewShopper());
        await stack.AddToCartAsync(refused, sku, 1);
        await stack.AddToCartAsync(fine, sku, 1);
        var refusedId = (await stack.PlaceAsync(refused)).GetProperty("order").GetProperty("id").GetString()!;
        var fineId = (await stack.PlaceAsync(fine)).GetProperty("order").GetProperty("id").GetString()!;
        // The database refuses this one order's packing as it would refuse a value too long for its column.
        var trigger = $"test_refuse_{stack.RunId}";
        await ExecuteAsync($"""
            create function orders.{trigger}() returns trigger language plpgsql as $$
            begin
              if new."Id" = '{refusedId}' and new."Status" = 'Fulfilling' then
                raise exception 'value too long (a test)' using errcode = '22001';
              end if;
              return new;
            end $$;
            create trigger {trigger} before update on orders.orders for each row execute function orders.{trigger}();
            """);
        try
        {
            var held = await stack.WaitForStatusAsync(refused, refusedId, Query, "ON_HOLD");
            var moved = await stack.WaitForStatusAsync(fine, fineId, Query, "DELIVERED");

            Assert.Equal("ON_HOLD", held.GetProperty("status").GetString());
            // The customer sees the code, not the database's error, which the administrator sees.
            Assert.Equal("step_not_saved", held.GetProperty("holdReason").GetString());
            Assert.Equal("step_not_saved: 22001 value too long (a test)", await stack.AdminHoldReasonAsync(refusedId));
            Assert.Empty(held.GetProperty("shipments").EnumerateArray());
            Assert.Equal("AUTHORIZED", held.GetProperty("payment").GetProperty("status").GetString());
            Assert.Equal("DELIVERED", moved.GetProperty("status").GetString());
        }
        finally
        {
            await ExecuteAsync($"drop trigger {trigger} on orders.orders; drop function orders.{trigger}();");
        }
    }

    [Fact]
    public async Task AnOrderWhoseCaptureTheProviderRefuses_DoesNotShip_AndIsHeld_ThenCancelledByAnAdministrator()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        // Voided on the provider's side with no word to the store (its webhook not yet sent): the
        // store learns it only when the wave's capture is answered.
        Assert.Equal("Voided", await stack.OrdersScalarAsync(
            "update orders.simulated_provider_ledger set outcome = 'Voided' where idempotency_key = $1 returning outcome", orderId));

        var held = await stack.WaitForStatusAsync(shopper, orderId, Query, "ON_HOLD");

        Assert.Equal("ON_HOLD", held.GetProperty("status").GetString());
        Assert.Equal("payment_not_held", held.GetProperty("holdReason").GetString());
        Assert.Equal("payment_not_held: the provider answered the capture voided", await stack.AdminHoldReasonAsync(orderId));
        var parcel = Assert.Single(held.GetProperty("shipments").EnumerateArray());
        Assert.Equal("PACKED", parcel.GetProperty("status").GetString());
        Assert.NotEqual("CAPTURED", held.GetProperty("payment").GetProperty("status").GetString());

        // The administrator cancels: nothing charged, and the units, which the wave commits only
        // once the money is taken, go back to stock (before, they stayed out, in the packed parcel).
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        Assert.Equal("CANCELLED", (await stack.ReviewAsync(admin, orderId, "CANCEL")).GetProperty("status").GetString());
        var cancelled = await stack.WaitForStatusAsync(shopper, orderId, Query, "CANCELLED");
        Assert.Equal("VOIDED", cancelled.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("CANCELLED", Assert.Single(cancelled.GetProperty("shipments").EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal((10, 0), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);
        // Its settlement message is handled, not retried: nothing of the order is left on the queue.
        await Eventually.WaitForAsync(async () => await stack.OrdersCountAsync(
            "select count(*) from wolverine.wolverine_incoming_envelopes where status <> 'Handled' and position(convert_to($1, 'UTF8') in body) > 0", orderId) == 0,
            () => $"The settlement of {orderId} is still on the queue", TimeSpan.FromSeconds(20));
        await stack.AssertNoMessageFailingAsync(orderId);
    }

    /// <summary>
    /// An order whose shipping step fails after its wave took the money and the catalog committed
    /// its units is held (step_failed), its parcel packed; cancelled, its money is refunded and
    /// its units go back on hand. They stayed out of stock for good, left for someone to put back
    /// with adjustStock (the settlement only logged it).
    /// </summary>
    [Fact]
    public async Task AnOrderHeldAfterItsUnitsWereCommitted_WhenCancelled_PutsThemBackOnHand()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 5));
        var shopper = stack.NewShopper();
        var orderId = await stack.PackedOrderAsync(shopper, sku, 1, Query);
        // Its waves find the packed order due before the fixture's do (1 s against 4 s), and its
        // shipping step fails after the capture and the stock's commit.
        using var instance = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-failing-ship", new Dictionary<string, string>
        {
            ["Orders__FaultInjection__FailStepOf"] = shopper.Id,
            ["Orders__Fulfillment__StepDelay"] = "00:00:01",
        });
        await stack.ChangeOneOrderRowAsync("""update orders.orders set "UpdatedAt" = now() where "Id" = $1 and "Status" = 'Fulfilling'""", orderId);

        var held = await stack.WaitForStatusAsync(shopper, orderId, Query, "ON_HOLD");
        Assert.Equal("step_failed", held.GetProperty("holdReason").GetString());
        Assert.Equal("PACKED", Assert.Single(held.GetProperty("shipments").EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal((4, 0), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);
        Assert.Equal("Captured", await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId));

        Assert.Empty((await stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId })).ErrorCodes());

        await Eventually.WaitForAsync(async () => (await stack.StockLevelsAsync(sku))["FC-CENTRAL"] == (5, 0),
            () => "The committed unit was not put back on hand.", TimeSpan.FromSeconds(30));
        Assert.Equal("Refunded", await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId));
        Assert.Equal("CANCELLED", Assert.Single((await stack.WaitForStatusAsync(shopper, orderId, Query, "CANCELLED")).GetProperty("shipments").EnumerateArray()).GetProperty("status").GetString());
    }

    /// <summary>
    /// Captured and then partly refunded on the provider's side (its dashboard), with no word to
    /// the store yet: the wave's capture answers Captured with the refund. The order is held as
    /// the webhook would hold it, and its units are not committed (before, it shipped, and the
    /// store's refunds were refused after).
    /// </summary>
    [Fact]
    public async Task AnOrderPartlyRefundedAtTheProvider_BeforeItsWebhook_DoesNotShip_AndIsHeld()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        await stack.ChangeOneOrderRowAsync("update orders.simulated_provider_ledger set outcome = 'Captured', refunded = 5.00 where idempotency_key = $1 and outcome = 'Authorized'", orderId);

        var held = await stack.WaitForStatusAsync(shopper, orderId, Query, "ON_HOLD");

        Assert.Equal("payment_not_held", held.GetProperty("holdReason").GetString());
        Assert.Equal("payment_not_held: 5.00 of the payment was refunded at the provider", await stack.AdminHoldReasonAsync(orderId));
        Assert.Equal("PACKED", Assert.Single(held.GetProperty("shipments").EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal("CAPTURED", held.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("5.00", await stack.OrdersScalarAsync("""select "Refunded"::text from orders.payments where "OrderId" = $1""", orderId));
        Assert.Equal((10, 2), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await stack.OpenOrdersDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
