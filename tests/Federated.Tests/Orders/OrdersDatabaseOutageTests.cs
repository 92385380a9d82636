using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// The orders service's PostgreSQL out of reach while an order is placed: a second orders
/// instance reaches its database through a proxy (<see cref="FaultyProxy"/>) that refuses every
/// connection. Nothing may be half done: no order, no units held, no charge, the cart as it
/// was; the shopper is told to try again, and the same key then places the order once.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class OrdersDatabaseOutageTests(FederatedStack stack)
{
    private const string Instance = "orders-database-outage";

    /// <summary>
    /// A cancel whose commit's answer is lost: the order stands cancelled, its settlement written
    /// beside it, but the instance took the write for failed, so the message was never queued,
    /// and Wolverine takes back only the messages of instances that died. Once stale (30 s in
    /// the tests), the message is taken back and the money and units come back while the
    /// instance lives. Before, they waited for the instance to stop (found by a review).
    /// </summary>
    [Fact]
    public async Task ACancelWhoseCommitsAnswerIsLost_IsSettled_WhileItsInstanceLives()
    {
        const string instance = "orders-cancel-commit-lost";
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        // Without fulfillment waves: a wave packing the order (4 s after it was paid, in the
        // tests) writes its id before its own COMMIT, on the connection this test watches.
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, instance,
            new Dictionary<string, string> { ["Orders__Fulfillment__Enabled"] = "false" });
        var orderId = (await stack.PlaceAsync(shopper, service: instance)).GetProperty("order").GetProperty("id").GetString()!;
        Assert.Equal(3, await stack.AvailableAsync(sku));

        // The commit of the transaction that cancelled the order and wrote its settlement (the
        // message's row carries its type's name and the order's id).
        outage.Proxy.LoseTheAnswerTo("COMMIT", orderId, "SettleOrder");
        var restoring = Task.Run(async () =>
        {
            for (var waited = 0; outage.Proxy.AnswersLost == 0 && waited < 30_000; waited += 2)
                await Task.Delay(2);
            outage.Proxy.Restore();
        });
        var cancelled = await stack.PostAsync(instance, Checkout.CancelOrder, new { input = new { orderId } }, null, shopper.Bearer);
        await restoring;

        Assert.Equal(1, outage.Proxy.AnswersLost);
        Assert.Equal(["SERVICE_UNAVAILABLE"], cancelled.ErrorCodes);
        Assert.Equal("Cancelled", await stack.OrdersScalarAsync("""select "Status" from orders.orders where "Id" = $1""", orderId));
        await Eventually.WaitForAsync(async () => await stack.AvailableAsync(sku) == 5, () => "The cancelled order's units were not released.", TimeSpan.FromSeconds(90));
        await Eventually.WaitForAsync(async () => (string?)await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId) == "Voided",
            () => "The cancelled order's payment was not voided.");
        await stack.AssertNoMessageFailingAsync(orderId);
    }

    /// <summary>
    /// An add to a cart with a discount code while the database the code is checked in cannot be
    /// reached: the units are written to the cart, which then cannot be priced. The answer says
    /// the change stands (<c>CART_PRICING_UNAVAILABLE</c>), so the client does not send it again;
    /// once the database answers, the cart holds the units once. Before, the answer was
    /// SERVICE_UNAVAILABLE, which clients retry, and each retry added the units again.
    /// </summary>
    [Fact]
    public async Task AddingWhileTheDatabaseCannotBeReached_WritesTheUnitsOnce_AndSaysTheChangeStands()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 20));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        Assert.Empty((await stack.CallAsync(shopper, CartTests.ApplyCode, new { code = "WELCOME10" })).ErrorCodes());
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, "orders-database-outage-add");

        outage.Proxy.Refuse();
        var added = await stack.CallAsync(shopper, CartTests.AddToCart, new { sku, quantity = 1 }, "orders-database-outage-add");
        outage.Proxy.Restore();

        Assert.Equal(["CART_PRICING_UNAVAILABLE"], added.ErrorCodes());
        Assert.Equal([(sku, 3)], await stack.CartLinesAsync(shopper));
    }

    [Fact]
    public async Task PlacingWhileTheDatabaseCannotBeReached_AcceptsNothing_AndTheSameKeyPlacesTheOrderOnceItCan()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, Instance);

        outage.Proxy.Refuse();
        var refused = await stack.PostAsync(Instance, Checkout.PlaceOrder, new
        {
            input = new { idempotencyKey = "database-outage", shippingAddress = Checkout.Illinois, shippingRateId = "usps-ground-advantage-domestic", payment = new { cardToken = "tok_visa" } },
        }, null, shopper.Bearer);

        Assert.Equal(["SERVICE_UNAVAILABLE"], refused.ErrorCodes);
        Assert.Equal(0L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", shopper.Id));
        Assert.Equal(5, await stack.AvailableAsync(sku));

        outage.Proxy.Restore();
        var placed = await stack.PlaceAsync(shopper, key: "database-outage", service: Instance);
        var again = await stack.PlaceAsync(shopper, key: "database-outage");

        Assert.Empty(placed.ErrorCodes());
        Assert.Equal("PAID", placed.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(placed.GetProperty("order").GetProperty("id").GetString(), again.GetProperty("order").GetProperty("id").GetString());
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", shopper.Id));
        Assert.Equal(3, await stack.AvailableAsync(sku));
    }
    /// <summary>
    /// A placement that could not reach the database recorded nothing, so it leaves the cart
    /// free: once the database is back, the shopper's next checkout under another key is placed.
    /// Before, the cart stayed claimed for the claim's whole lease, as if an order might stand,
    /// and that checkout was refused as CHECKOUT_IN_PROGRESS for about two minutes.
    /// </summary>
    [Fact]
    public async Task PlacingWhileTheDatabaseCannotBeReached_LeavesTheCartFree_ForAnotherKeyOnceItCan()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        // Unpooled: a statement sent on an idle pooled connection that the outage broke may have
        // been committed for all the instance can tell (an answer lost), and keeps the claim.
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, Instance + "-new-key", pooling: false);

        outage.Proxy.Refuse();
        var refused = await stack.PostAsync(Instance + "-new-key", Checkout.PlaceOrder, new
        {
            input = new { idempotencyKey = "during-the-outage", shippingAddress = Checkout.Illinois, shippingRateId = "usps-ground-advantage-domestic", payment = new { cardToken = "tok_visa" } },
        }, null, shopper.Bearer);
        Assert.Equal(["SERVICE_UNAVAILABLE"], refused.ErrorCodes);
        outage.Proxy.Restore();

        var placed = await stack.PlaceAsync(shopper, key: "after-the-outage", service: Instance + "-new-key");

        Assert.Empty(placed.ErrorCodes());
        Assert.Equal("PAID", placed.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(3, await stack.AvailableAsync(sku));
        Assert.Empty(await stack.CartLinesAsync(shopper));
    }

    /// <summary>
    /// The answer to one of placement's writes is lost (the database committed it; the connection
    /// broke before its answer came back): the order stands, so the shopper is told it was
    /// placed, and its lines leave the cart.
    /// - The accept of the paid order: the answer was SERVICE_UNAVAILABLE for an order that
    ///   stood, and the lines stayed in the cart (before the fourteenth session).
    /// - The batch that records the new order: it is read back and placed on. The answer was
    ///   SERVICE_UNAVAILABLE, and the same key then found the order Pending (ORDER_IN_PROGRESS)
    ///   until the sweep refused it (ORDER_INTERRUPTED), with a new key refused meanwhile (one
    ///   order in placement per customer) (before the fifteenth session).
    /// </summary>
    [Theory]
    [InlineData("with accepted as", "orders-accept-answer-lost")]
    [InlineData("insert into orders.orders (", "orders-insert-answer-lost")]
    public async Task TheAnswerToAWriteOfPlacementLost_TheOrderStands_AndTheShopperIsToldSo(string statement, string instance)
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, instance);
        var proxy = outage.Proxy;

        proxy.LoseTheAnswerTo(statement);
        // Reachable again as soon as the answer is lost: the instance finds the database to read.
        var restoring = Task.Run(async () =>
        {
            for (var waited = 0; proxy.AnswersLost == 0 && waited < 30_000; waited += 2)
                await Task.Delay(2);
            proxy.Restore();
        });
        var placed = await stack.PlaceAsync(shopper, key: "answer-lost", service: instance);
        await restoring;

        Assert.Equal(1, proxy.AnswersLost);
        Assert.Empty(placed.ErrorCodes());
        Assert.Equal("PAID", placed.GetProperty("order").GetProperty("status").GetString());
        var orderId = placed.GetProperty("order").GetProperty("id").GetString();
        Assert.Equal("Paid", await stack.OrdersScalarAsync("""select "Status" from orders.orders where "Id" = $1""", orderId!));
        Assert.Empty(await stack.CartLinesAsync(shopper));
        Assert.Equal(3, await stack.AvailableAsync(sku));
        Assert.Equal(orderId, (await stack.PlaceAsync(shopper, key: "answer-lost")).GetProperty("order").GetProperty("id").GetString());
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", shopper.Id));
    }

    /// <summary>
    /// The answer to the save of an order that waits for its 3-D Secure challenge is lost (its
    /// transaction, with the message that ends the challenge unanswered, committed): read back,
    /// the order stands, so the shopper is given the challenge, and the lines leave the cart.
    /// Before, the shopper was told SERVICE_UNAVAILABLE; a checkout under a new key then found
    /// the cart claimed, and, once the sweep had taken the lines out, empty; only the same key
    /// showed the challenge.
    /// </summary>
    [Fact]
    public async Task TheAnswerToAChallengedOrdersSaveLost_TheShopperIsGivenTheChallenge()
    {
        const string instance = "orders-challenge-answer-lost";
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, instance);
        var proxy = outage.Proxy;

        proxy.LoseTheAnswerTo("COMMIT", "ChallengeDeadline");
        var restoring = Task.Run(async () =>
        {
            for (var waited = 0; proxy.AnswersLost == 0 && waited < 30_000; waited += 2)
                await Task.Delay(2);
            proxy.Restore();
        });
        var placed = await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "challenge-answer-lost", service: instance);
        await restoring;

        Assert.Equal(1, proxy.AnswersLost);
        Assert.Empty(placed.ErrorCodes());
        Assert.Equal("PAYMENT_ACTION_REQUIRED", placed.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal("THREE_D_SECURE", placed.GetProperty("paymentAction").GetProperty("type").GetString());
        var orderId = placed.GetProperty("order").GetProperty("id").GetString();
        Assert.Equal("PaymentActionRequired", await stack.OrdersScalarAsync("""select "Status" from orders.orders where "Id" = $1""", orderId!));
        Assert.Empty(await stack.CartLinesAsync(shopper));
        Assert.Equal(3, await stack.AvailableAsync(sku));
        Assert.Equal(orderId, (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "challenge-answer-lost")).GetProperty("order").GetProperty("id").GetString());
    }

    /// <summary>
    /// The answer to the paid order's save lost, and the database out of reach after it, so the
    /// placement cannot read back whether the order stands: the shopper is told to try again
    /// (SERVICE_UNAVAILABLE), the order is paid, and its lines are still in the cart. The cart
    /// stays claimed until the sweep has looked at the order: a checkout under another key meanwhile
    /// is CHECKOUT_IN_PROGRESS, the sweep takes the lines out, and the next checkout finds the
    /// cart empty. Before (as first written this session), the claim was freed at once, and the
    /// checkout under another key ordered and charged the same lines again (found by the review).
    /// </summary>
    [Fact]
    public async Task TheSavesAnswerLost_AndTheDatabaseUnreadable_TheCartStaysClaimed_UntilTheSweepTakesTheLinesOut()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        // A lease of 7 s (a pending timeout of 3 s and two sweeps of 2 s): the fixture's instance,
        // which reaches the database, looks after the claim then.
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, "orders-accept-lost-unreadable",
            new Dictionary<string, string> { ["Orders__PendingTimeout"] = "00:00:03" });

        outage.Proxy.LoseTheAnswerTo("with accepted as");
        var refused = await stack.PostAsync("orders-accept-lost-unreadable", Checkout.PlaceOrder, new
        {
            input = new { idempotencyKey = "saved-unread", shippingAddress = Checkout.Illinois, shippingRateId = "usps-ground-advantage-domestic", payment = new { cardToken = "tok_visa" } },
        }, null, shopper.Bearer);

        Assert.Equal(["SERVICE_UNAVAILABLE"], refused.ErrorCodes);
        Assert.Equal(1, outage.Proxy.AnswersLost);
        Assert.Equal("Paid", await stack.OrdersScalarAsync("""select "Status" from orders.orders where "UserId" = $1""", shopper.Id));
        Assert.Equal(["CHECKOUT_IN_PROGRESS"], (await stack.PlaceAsync(shopper, key: "another-key")).ErrorCodes());

        await stack.AssertTheSweepEmptiesTheCartAsync(shopper, sku, available: 3, nextKey: "another-key");
    }
}
