using System.Text.Json;
using Npgsql;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;
using static Federated.Tests.Infrastructure.Eventually;

namespace Federated.Tests.Orders;

/// <summary>
/// A shopper's own requests racing each other after placement: a cancel sent many times (a
/// double tap, a retrying client), a 3-D Secure answer sent many times, and an answer racing a
/// cancel. Whatever wins, the money and the stock end where the order's status says.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class OrderRaceTests(FederatedStack stack)
{
    private const string Voided = "select count(*) from orders.simulated_provider_ledger where idempotency_key = $1 and outcome = 'Voided'";
    private const string Authorized = "select count(*) from orders.simulated_provider_ledger where idempotency_key = $1 and outcome = 'Authorized'";

    /// <summary>
    /// A second orders instance whose placements for <paramref name="shopper"/> pause 6 s (or <paramref name="pause"/>) after
    /// <paramref name="step"/>, so that a test can act in the middle of one. Each test checks that
    /// the placement had not answered when it had acted: on a slow machine one that acted late
    /// would otherwise pass without the race it is about.
    /// </summary>
    private Task<ChildProcess> PausedInstanceAsync(string name, string step, Shopper shopper, TimeSpan? pause = null) =>
        stack.StartInstanceAsync(ServiceNames.Orders, name, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = step,
            ["Orders__FaultInjection__Pause"] = (pause ?? TimeSpan.FromSeconds(6)).ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Orders__FaultInjection__UserId"] = shopper.Id,
        });

    /// <summary>The paused placement, checked to be still paused (Redis now refusing writes while it is).</summary>
    private static Task<JsonElement> StillPaused(Task<JsonElement> placing)
    {
        Assert.False(placing.IsCompleted, "Redis refused writes only after the placement answered.");
        return placing;
    }

    [Fact]
    public async Task TenCancelsAtOnce_AllAnswerCancelled_AndTheStockComesBackOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId })));

        // Cancelling is idempotent: a cancel that lost the race to another finds the order cancelled.
        Assert.All(answers, a => Assert.Empty(a.ErrorCodes()));
        Assert.All(answers, a => Assert.Equal("CANCELLED", a.GetProperty("order").GetProperty("status").GetString()));
        Assert.Equal(5, await stack.AvailableAsync(sku));
        Assert.Equal(1, await stack.OrdersCountAsync(Voided, orderId));
    }

    /// <summary>
    /// Ten cancels at once of a packed order: each numbers its parcel's CANCELLED event, and
    /// all but the first find the number taken. They look at the order again and answer it
    /// cancelled (before, an internal error); the parcel has one CANCELLED event. The order is
    /// kept from the next wave (written as a long step delay would) so the cancels meet it packed.
    /// </summary>
    [Fact]
    public async Task TenCancelsAtOnceOfAPackedOrder_AllAnswerCancelled_WithOneCancelledEvent()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        const string query = "query($id: ID!) { order(id: $id) { status payment { status } shipments { status events { status } } } }";
        var orderId = await stack.PackedOrderAsync(shopper, sku, 2, query);

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId })));

        Assert.All(answers, a => Assert.Empty(a.ErrorCodes()));
        Assert.All(answers, a => Assert.Equal("CANCELLED", a.GetProperty("order").GetProperty("status").GetString()));
        Assert.Equal(5, await stack.AvailableAsync(sku));
        Assert.Equal(1, await stack.OrdersCountAsync(Voided, orderId));
        var parcel = (await stack.PostAsync(ServiceNames.Orders, query, new { id = orderId }, null, shopper.Bearer)).Data.GetProperty("order").GetProperty("shipments")[0];
        Assert.Equal(["PACKED", "CANCELLED"], parcel.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task TenChallengeAnswersAtOnce_PayTheOrderOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var orderId = (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired")).GetProperty("order").GetProperty("id").GetString()!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId, challengeResponse = "pass" })));

        Assert.All(answers, a => Assert.Empty(a.ErrorCodes()));
        Assert.All(answers, a => Assert.Equal("PAID", a.GetProperty("order").GetProperty("status").GetString()));
        Assert.Equal(4, await stack.AvailableAsync(sku));
        Assert.Equal(1, await stack.OrdersCountAsync(Authorized, orderId));
    }

    /// <summary>
    /// Lines added while the cart is being placed (from another tab, another device) were not in
    /// the order, so they stay in the cart: placing takes out what it ordered, not everything.
    /// A second orders instance holds the placement after its reservation so the adds land there.
    /// </summary>
    [Fact]
    public async Task WhatIsAddedWhileTheCartIsPlaced_StaysInTheCart()
    {
        var (ordered, added) = (await stack.StockedSkuAsync(("FC-EAST", 10)), await stack.StockedSkuAsync(("FC-EAST", 10)));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, ordered, 2);
        using var paused = await PausedInstanceAsync("orders-paused-placement", "reservation", shopper);

        var placing = stack.PlaceAsync(shopper, service: "orders-paused-placement");
        await WaitForAsync(async () => await stack.AvailableAsync(ordered) == 8, () => "The paused placement did not reserve.");
        await stack.AddToCartAsync(shopper, ordered, 1);
        await stack.AddToCartAsync(shopper, added, 3);
        Assert.False(placing.IsCompleted, "The lines were added after the placement answered.");
        var placed = await placing;

        Assert.Equal("PAID", placed.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(2, placed.GetProperty("order").GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        var cart = (await stack.PostAsync(ServiceNames.Orders, "{ cart { lines { variant { sku } quantity } } }", null, null, shopper.Bearer)).Data.GetProperty("cart");
        var left = cart.GetProperty("lines").EnumerateArray()
            .ToDictionary(l => l.GetProperty("variant").GetProperty("sku").GetString()!, l => l.GetProperty("quantity").GetInt32());
        Assert.Equal(new Dictionary<string, int> { [ordered] = 1, [added] = 3 }, left);
    }

    /// <summary>
    /// Redis refusing writes just as a 3-D Secure challenge is given: the order stands (the
    /// challenge is out) but its lines stay in the cart. A failed answer then gives back only
    /// what left the cart, which is nothing: the cart holds the unit once, not twice.
    /// A second orders instance holds the placement after its authorization while Redis is made
    /// to refuse writes (no eviction, a limit of one byte), put back once the placement answers.
    /// </summary>
    [Fact]
    public async Task AChallengeWhoseLinesRedisDidNotTakeOut_FailedAnswer_DoesNotPutThemInTwice()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        using var paused = await PausedInstanceAsync("orders-paused-challenge", "authorization", shopper);
        var placing = stack.PlaceAsync(shopper, "tok_threeDSecureRequired", service: "orders-paused-challenge");
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 4, () => "The paused placement did not reserve.");
        var placed = await stack.WhileRedisRefusesWritesAsync(() => StillPaused(placing));
        Assert.Equal("PAYMENT_ACTION_REQUIRED", placed.GetProperty("order").GetProperty("status").GetString());
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;
        Assert.Equal([(sku, 1)], await stack.CartLinesAsync(shopper));

        var failed = await stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId, challengeResponse = "wrong" });

        Assert.Equal(["PAYMENT_DECLINED"], failed.ErrorCodes());
        Assert.Equal(5, await stack.AvailableAsync(sku));
        Assert.Equal([(sku, 1)], await stack.CartLinesAsync(shopper));
    }

    /// <summary>
    /// Redis refusing writes as a paid order is accepted: the order stands (PAID) but its lines
    /// stay in the cart. The same key sent again (the client retrying) answers the order and
    /// takes its lines out, once: a unit added after that stays through another try.
    /// </summary>
    [Fact]
    public async Task APaidOrderWhoseLinesRedisDidNotTakeOut_ItsReplayTakesThemOut_Once()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        using var paused = await PausedInstanceAsync("orders-paused-accept", "authorization", shopper);
        var placing = stack.PlaceAsync(shopper, key: "replay-takes-out", service: "orders-paused-accept");
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 4, () => "The paused placement did not reserve.");
        var placed = await stack.WhileRedisRefusesWritesAsync(() => StillPaused(placing));
        Assert.Equal("PAID", placed.GetProperty("order").GetProperty("status").GetString());
        var orderId = placed.GetProperty("order").GetProperty("id").GetString();
        Assert.Equal([(sku, 1)], await stack.CartLinesAsync(shopper));

        var replayed = await stack.PlaceAsync(shopper, key: "replay-takes-out");

        Assert.Empty(replayed.ErrorCodes());
        Assert.Equal(orderId, replayed.GetProperty("order").GetProperty("id").GetString());
        Assert.Empty(await stack.CartLinesAsync(shopper));
        // The unit added again, as the order had it: the same checkout, answered again, and its
        // lines are not taken out a second time.
        await stack.AddToCartAsync(shopper, sku, 1);
        Assert.Equal(orderId, (await stack.PlaceAsync(shopper, key: "replay-takes-out")).GetProperty("order").GetProperty("id").GetString());
        Assert.Equal([(sku, 1)], await stack.CartLinesAsync(shopper));
        await stack.AddToCartAsync(shopper, sku, 1);
        Assert.Equal(["IDEMPOTENCY_KEY_REUSED"], (await stack.PlaceAsync(shopper, key: "replay-takes-out")).ErrorCodes());
        Assert.Equal([(sku, 2)], await stack.CartLinesAsync(shopper));
        Assert.Equal(4, await stack.AvailableAsync(sku));
    }

    /// <summary>
    /// As above, but the same key comes back after the order has shipped (seconds later at the
    /// tests' step delay; a minute by default): its lines still leave the cart. Only an order
    /// not yet shipped had them taken out, and a later replay left them there for good.
    /// </summary>
    [Fact]
    public async Task APaidOrderWhoseLinesRedisDidNotTakeOut_ItsReplayAfterItShipped_TakesThemOut()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        using var paused = await PausedInstanceAsync("orders-paused-accept", "authorization", shopper);
        var placing = stack.PlaceAsync(shopper, key: "replay-after-shipping", service: "orders-paused-accept");
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 4, () => "The paused placement did not reserve.");
        var placed = await stack.WhileRedisRefusesWritesAsync(() => StillPaused(placing));
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;
        Assert.Equal([(sku, 1)], await stack.CartLinesAsync(shopper));
        await stack.WaitForStatusAsync(shopper, orderId, "query($id: ID!) { order(id: $id) { status } }", "SHIPPED");

        var replayed = await stack.PlaceAsync(shopper, key: "replay-after-shipping");

        Assert.Equal(orderId, replayed.GetProperty("order").GetProperty("id").GetString());
        Assert.Empty(await stack.CartLinesAsync(shopper));
    }

    /// <summary>
    /// Another tab sets the line from 3 units to 1 while a 3-D Secure placement of the 3 is under
    /// way: taking the order's units out of the cart takes the 1 it finds. The challenge failed,
    /// the cart gets back that 1, what was taken, not the 3 ordered.
    /// </summary>
    [Fact]
    public async Task AFailedChallenge_GivesBackWhatLeftTheCart_NotWhatWasOrdered()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 3);
        using var paused = await PausedInstanceAsync("orders-paused-placement", "reservation", shopper);

        var placing = stack.PlaceAsync(shopper, "tok_threeDSecureRequired", service: "orders-paused-placement");
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 7, () => "The paused placement did not reserve.");
        Assert.Empty((await stack.CallAsync(shopper, CartTests.UpdateLine, new { lineId = sku, quantity = 1 })).ErrorCodes());
        Assert.False(placing.IsCompleted, "The line was set after the placement answered.");
        var placed = await placing;
        Assert.Equal("PAYMENT_ACTION_REQUIRED", placed.GetProperty("order").GetProperty("status").GetString());
        Assert.Empty(await stack.CartLinesAsync(shopper));

        var failed = await stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId = placed.GetProperty("order").GetProperty("id").GetString(), challengeResponse = "wrong" });

        Assert.Equal(["PAYMENT_DECLINED"], failed.ErrorCodes());
        Assert.Equal(10, await stack.AvailableAsync(sku));
        Assert.Equal([(sku, 1)], await stack.CartLinesAsync(shopper));
    }

    /// <summary>
    /// A placement that stalls after its challenged order is saved, before it takes the lines out
    /// of the cart, while a double submit under the same key replays the order (taking them out)
    /// and the shopper fails the challenge (putting them back): the stalled placement, resuming,
    /// finds the take-out done and leaves the cart as given back. Before, putting the lines back
    /// removed the mark that they had been taken out, and the late take-out emptied the cart again.
    /// </summary>
    [Fact]
    public async Task AFailedChallenge_LeavesTheCartGivenBack_WhenTheFirstPlacementTakesOutLate()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        // Paused long enough for a replay, a failed challenge and three cart reads on a slow machine.
        using var paused = await PausedInstanceAsync("orders-paused-take-out", "accept", shopper, TimeSpan.FromSeconds(15));

        var placing = stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "double-submit", service: "orders-paused-take-out");
        await WaitForAsync(async () => await stack.OrdersCountAsync(
            """select count(*) from orders.orders where "UserId" = $1 and "Status" = 'PaymentActionRequired'""", shopper.Id) == 1,
            () => "The paused placement did not save its order.");
        var replayed = await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "double-submit");
        Assert.Equal("PAYMENT_ACTION_REQUIRED", replayed.GetProperty("order").GetProperty("status").GetString());
        Assert.Empty(await stack.CartLinesAsync(shopper));
        var failed = await stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId = replayed.GetProperty("order").GetProperty("id").GetString(), challengeResponse = "wrong" });
        Assert.Equal(["PAYMENT_DECLINED"], failed.ErrorCodes());
        Assert.Equal([(sku, 2)], await stack.CartLinesAsync(shopper));
        Assert.False(placing.IsCompleted, "The challenge failed after the paused placement answered.");

        await placing;

        Assert.Equal([(sku, 2)], await stack.CartLinesAsync(shopper));
        Assert.Equal(10, await stack.AvailableAsync(sku));
    }

    /// <summary>
    /// A placement that stalls after its order is paid, before it takes the lines out of the
    /// cart, while Redis loses the cart's claim (a failover to a replica that had not received
    /// it: the claim and its entry among the placements to look after gone, the older cart kept).
    /// The shopper's next checkout, under a new key, finds the paid order's lines still in the
    /// cart: it is refused before anything is held or charged, and the lines are taken out, once.
    /// Before, it placed and charged them a second time.
    /// </summary>
    [Fact]
    public async Task ACartWhoseClaimRedisLost_AfterItsOrderWasPaid_IsNotOrderedAndChargedAgain()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        using var paused = await PausedInstanceAsync("orders-paused-take-out", "accept", shopper, TimeSpan.FromSeconds(30));
        var since = await stack.OrdersClockAsync();

        var placing = stack.PlaceAsync(shopper, key: "first", service: "orders-paused-take-out");
        await WaitForAsync(async () => await stack.OrdersCountAsync(
            """select count(*) from orders.orders where "UserId" = $1 and "Status" = 'Paid'""", shopper.Id) == 1,
            () => "The paused placement did not save its order paid.");
        var cart = stack.CartKey($"u.{shopper.Id}");
        Assert.Equal(0, (await stack.RedisAsync(["del", $"{cart}:placing"])).ExitCode);
        Assert.Equal(0, (await stack.RedisAsync(["zrem", $"orders-test:{stack.RunId}:cart:placements", $"u.{shopper.Id} first"])).ExitCode);

        var second = await stack.PlaceAsync(shopper, key: "second");
        Assert.Equal(["ALREADY_ORDERED"], second.ErrorCodes());
        Assert.Empty(await stack.CartLinesAsync(shopper));
        Assert.False(placing.IsCompleted, "The claim was lost after the paused placement answered.");

        Assert.Empty((await placing).ErrorCodes());

        Assert.Empty(await stack.CartLinesAsync(shopper));
        Assert.Equal(8, await stack.AvailableAsync(sku));
        Assert.Equal(1, await stack.ChargesSinceAsync(since));
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1 and "Status" <> 'Failed'""", shopper.Id));
    }

    /// <summary>
    /// The mark that a paid order's lines left the cart lost alone (an eviction), and the shopper
    /// adding the same units again on purpose within minutes: the second checkout is placed, not
    /// taken for the first order's lines left in the cart (the cart changed after the first order
    /// was placed, as its take-out did).
    /// </summary>
    [Fact]
    public async Task TheSameUnitsAddedAgain_AfterTheTakeOutMarkWasLost_AreOrderedAgain()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var first = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        Assert.Empty(await stack.CartLinesAsync(shopper));
        Assert.Equal(0, (await stack.RedisAsync(["del", $"orders-test:{stack.RunId}:cart:taken:{first}"])).ExitCode);

        await stack.AddToCartAsync(shopper, sku, 2);
        var second = await stack.PlaceAsync(shopper);

        Assert.Empty(second.ErrorCodes());
        Assert.Equal("PAID", second.GetProperty("order").GetProperty("status").GetString());
        Assert.Empty(await stack.CartLinesAsync(shopper));
        Assert.Equal(6, await stack.AvailableAsync(sku));
    }

    [Fact]
    public async Task AChallengeAnsweredAndCancelledAtOnce_EndsPaidWithItsStock_OrCancelledWithNothingHeld()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 40));
        for (var round = 0; round < 8; round++)
        {
            var shopper = stack.NewShopper();
            await stack.AddToCartAsync(shopper, sku, 1);
            var before = await stack.AvailableAsync(sku);
            var orderId = (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired")).GetProperty("order").GetProperty("id").GetString()!;

            var confirm = stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId, challengeResponse = "pass" });
            var cancel = stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId });
            await Task.WhenAll(confirm, cancel);

            var order = (await stack.PostAsync(ServiceNames.Orders, Checkout.OrderQuery, new { id = orderId }, null, shopper.Bearer)).Data.GetProperty("order");
            var status = order.GetProperty("status").GetString();
            var payment = order.GetProperty("payment").GetProperty("status").GetString();
            var ledger = await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId);
            if (status == "CANCELLED")
            {
                // The cancel won, or came after the answer: whatever the answer did at the
                // provider, nothing stays authorized and the unit is back.
                Assert.Empty((await cancel).ErrorCodes());
                Assert.Equal("VOIDED", payment);
                Assert.Equal("Voided", ledger);
                Assert.Equal(before, await stack.AvailableAsync(sku));
            }
            else
            {
                // Only an order already shipped refuses a cancel; never half of each.
                Assert.Equal(["ORDER_NOT_CANCELLABLE"], (await cancel).ErrorCodes());
                Assert.Equal("Authorized", ledger);
                Assert.Equal(before - 1, await stack.AvailableAsync(sku));
            }
        }
    }

    /// <summary>
    /// A cancel that commits while a passed challenge's answer is being saved: the answer's save
    /// finds the order changed, and the shopper is told the order was cancelled
    /// (NO_PAYMENT_ACTION), as a confirmation sent after the cancel is. It answered the
    /// CANCELLED order with no errors, which clients read as paid. The order's row is locked from
    /// outside so that both wait on it, the cancel first.
    /// </summary>
    [Fact]
    public async Task AChallengeAnswerWhoseSaveLosesToACancel_IsToldTheOrderWasCancelled()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var orderId = (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired")).GetProperty("order").GetProperty("id").GetString()!;

        Task<JsonElement> cancel, confirm;
        await using (var connection = await stack.OpenOrdersDatabaseAsync())
        {
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand("""select 1 from orders.orders where "Id" = $1 for update""", connection, transaction) { Parameters = { new() { Value = orderId } } })
                await lockRow.ExecuteNonQueryAsync();
            cancel = stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId });
            await WaitForAsync(async () => await WaitingOnLocksAsync(orderId) >= 1, () => "The cancel did not wait on the order's row.");
            confirm = stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId, challengeResponse = "pass" });
            await WaitForAsync(async () => await stack.OrdersCountAsync(Authorized, orderId) == 1 && await WaitingOnLocksAsync(orderId) >= 2,
                () => "The confirmation did not wait on the order's row after the provider's answer.");
            await transaction.RollbackAsync();
        }

        Assert.Empty((await cancel).ErrorCodes());
        Assert.Equal(["NO_PAYMENT_ACTION"], (await confirm).ErrorCodes());
        var order = (await stack.PostAsync(ServiceNames.Orders, Checkout.OrderQuery, new { id = orderId }, null, shopper.Bearer)).Data.GetProperty("order");
        Assert.Equal("CANCELLED", order.GetProperty("status").GetString());
        await WaitForAsync(async () => await stack.OrdersCountAsync(Voided, orderId) == 1, () => "The payment was not voided.");
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5, () => "The unit was not released.");
    }

    /// <summary>Statements of the orders database waiting for a lock, sent for <paramref name="orderId"/>'s row (its id among their parameters is not visible: any waiting statement on orders.orders).</summary>
    private async Task<long> WaitingOnLocksAsync(string orderId) =>
        await stack.OrdersCountAsync(
            "select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike '%orders%' and pid <> pg_backend_pid() and $1 <> ''",
            orderId);

    /// <summary>
    /// Forty shoppers at once for thirty units: plain cards, declines and 3-D Secure challenges,
    /// answers passed and failed, cancels sent once or twice, some racing the answer. Whatever
    /// the interleaving, each order's money and the stock agree with its status: a live order
    /// holds its units and an authorized (or captured) payment; a refused or cancelled one holds
    /// neither; the units available are the thirty less what live orders hold.
    /// </summary>
    [Fact]
    public async Task AMixOfOrdersAnswersAndCancels_LeavesEveryOrdersMoneyAndStockAsItsStatusSays()
    {
        const int units = 30;
        var sku = await stack.StockedSkuAsync(("FC-EAST", units));
        var random = new Random(20261205);
        string[] cards = ["tok_visa", "tok_visa", "tok_visa", "tok_threeDSecureRequired", "tok_threeDSecureRequired", "tok_chargeDeclined", "tok_insufficientFunds"];
        var plans = Enumerable.Range(0, 40).Select(_ => (
            Shopper: stack.NewShopper(), Quantity: random.Next(1, 3), Card: cards[random.Next(cards.Length)],
            Answer: random.Next(3) == 0 ? "wrong" : "pass", Cancels: random.Next(4) switch { 0 => 1, 1 => 2, _ => 0 })).ToList();
        foreach (var plan in plans)
            await stack.AddToCartAsync(plan.Shopper, sku, plan.Quantity);

        var orders = await Task.WhenAll(plans.Select(async plan =>
        {
            var placed = await stack.PlaceAsync(plan.Shopper, plan.Card);
            if (placed.GetProperty("order").ValueKind != JsonValueKind.Object)
                return (plan.Shopper, plan.Quantity, Id: (string?)null);
            var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;
            var moves = new List<Task>();
            if (plan.Card == "tok_threeDSecureRequired")
                moves.Add(stack.CallAsync(plan.Shopper, Checkout.ConfirmPayment, new { orderId, challengeResponse = plan.Answer }));
            for (var i = 0; i < plan.Cancels; i++)
                moves.Add(stack.CallAsync(plan.Shopper, Checkout.CancelOrder, new { orderId }));
            await Task.WhenAll(moves);
            return (plan.Shopper, plan.Quantity, Id: (string?)orderId);
        }));

        // Settlement may finish in a durable message after the answer: wait until it has.
        var problems = new List<string>();
        await WaitForAsync(async () =>
        {
            problems.Clear();
            var held = 0;
            foreach (var (_, quantity, id) in orders.Where(o => o.Id is not null))
            {
                var status = (string?)await stack.OrdersScalarAsync("""select "Status" from orders.orders where "Id" = $1""", id!);
                var ledger = (string?)await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", id!);
                var live = status is not ("Failed" or "Cancelled");
                if (live)
                    held += quantity;
                if (status == "PaymentActionRequired" ? ledger != "ChallengeRequired" : live != (ledger is "Authorized" or "Captured"))
                    problems.Add($"{id}: {status} with the payment {ledger ?? "never made"}");
            }
            var available = await stack.AvailableAsync(sku);
            if (available != units - held)
                problems.Add($"{available} units available, {units} less {held} held by live orders");
            if (available < 0)
                problems.Add("stock went negative");
            return problems.Count == 0;
        }, () => string.Join("\n", problems));
        Assert.Contains(orders, o => o.Id is null); // thirty units do not go round forty shoppers
    }
}
