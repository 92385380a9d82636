using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;
using static Federated.Tests.Infrastructure.Eventually;

namespace Federated.Tests.Orders;

/// <summary>
/// The payment provider's asynchronous results: the shopper answers a 3-D Secure challenge on
/// the provider's own page, and the store learns it only from webhooks, which the simulated
/// provider delivers twice each and newest first. Forged, stale and malformed deliveries are refused.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class PaymentWebhookTests(FederatedStack stack)
{
    private const string OrderStatus = "query($id: ID!) { order(id: $id) { status payment { status } } }";

    [Fact]
    public async Task AChallengePassedOnTheProvidersPage_PaysTheOrder_ThroughRepeatedReorderedWebhooks()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var placed = await stack.PlaceAsync(shopper, "tok_threeDSecureRequired");
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;
        var challengeId = placed.GetProperty("paymentAction").GetProperty("challengeId").GetString()!;

        Assert.Equal(HttpStatusCode.OK, await AnswerChallengeAsync(challengeId, "pass"));

        var order = await WaitForOrderAsync(shopper, orderId, "PAID");
        Assert.Equal("AUTHORIZED", order.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(4, await stack.AvailableAsync(sku));
        // Every provider event was sent twice and taken at least once. The two
        // events race to pay the order: one copy may be refused (503, the order changed under
        // it) and count as not delivered, but a repeat is always among the copies taken.
        await WaitForAsync(async () => await CountAsync("select count(*) from orders.simulated_provider_events where idempotency_key = $1 and delivered_at is null", orderId) == 0);
        var sent = await CountAsync("select count(*) from orders.simulated_provider_events where idempotency_key = $1", orderId);
        Assert.Equal(2, sent); // challenge_required, authorized
        Assert.True(await CountAsync("select min(deliveries) from orders.simulated_provider_events where idempotency_key = $1", orderId) >= 1);
        // (At least: a second orders instance, as in the crash tests, sends too.)
        Assert.True(await CountAsync("select sum(deliveries) from orders.simulated_provider_events where idempotency_key = $1", orderId) > sent);
        // The challenge's event is kept once. The authorization's is kept when it brought the
        // order in line; when the challenge's, looked up at the provider, already had, it only
        // confirms what the store recorded and is taken without a write.
        var challengeEvent = await ScalarAsync("select event_id from orders.simulated_provider_events where idempotency_key = $1 and type = 'payment.challenge_required'", orderId);
        Assert.Equal(1, await CountAsync("""select count(*) from orders.payment_events where "EventId" = $1""", challengeEvent));
        Assert.InRange(await CountAsync("""select count(*) from orders.payment_events where "OrderId" = $1""", orderId), 1, sent);
        await WaitForAsync(async () => await CountAsync("""select count(*) from orders.payment_events where "OrderId" = $1 and "ProcessedAt" is null""", orderId) == 0);

        // An old event sent once more, and a stale one arriving late under a new id: the order stays paid.
        var first = await ScalarAsync("select event_id from orders.simulated_provider_events where idempotency_key = $1 order by sequence limit 1", orderId);
        var (repeatStatus, repeat) = await DeliverAsync(Event(first, "payment.challenge_required", 1, orderId), stack.WebhookSecret);
        Assert.Equal(HttpStatusCode.OK, repeatStatus);
        Assert.True(repeat.GetProperty("repeated").GetBoolean());
        var (lateStatus, late) = await DeliverAsync(Event($"evt_late_{stack.RunId}", "payment.challenge_required", 0, orderId), stack.WebhookSecret);
        Assert.Equal(HttpStatusCode.OK, lateStatus);
        Assert.False(late.GetProperty("repeated").GetBoolean());
        await WaitForAsync(async () => await CountAsync("""select count(*) from orders.payment_events where "EventId" = $1 and "ProcessedAt" is not null""", $"evt_late_{stack.RunId}") == 1);
        Assert.Equal("PAID", (await OrderAsync(shopper, orderId)).GetProperty("status").GetString());
        Assert.Equal(1, await CountAsync("select count(*) from orders.simulated_provider_ledger where idempotency_key = $1 and outcome = 'Authorized'", orderId));
    }

    [Fact]
    public async Task AConfirmationIsAnsweredWithoutAWrite_WhileAnEventTheStoreHasNotRecordedIsLookedUp_AndKept()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;

        // The authorization placeOrder recorded, confirmed once more: taken, nothing to change,
        // and nothing written (the provider sends two copies of two such events for every order).
        var (confirmStatus, confirmed) = await DeliverAsync(Event($"evt_confirm_{orderId}", "payment.authorized", 50, orderId), stack.WebhookSecret);
        Assert.Equal(HttpStatusCode.OK, confirmStatus);
        Assert.False(confirmed.GetProperty("repeated").GetBoolean());
        Assert.Equal("AUTHORIZED", (await OrderAsync(shopper, orderId)).GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(0, await CountAsync("""select count(*) from orders.payment_events where "EventId" = $1""", $"evt_confirm_{orderId}"));

        // Captured on the provider's side (its dashboard), which the store has not recorded: the
        // event is not a confirmation, so the provider is asked, and the capture recorded.
        Assert.Equal("Captured", await ScalarAsync("update orders.simulated_provider_ledger set outcome = 'Captured' where idempotency_key = $1 returning outcome", orderId));
        var (captureStatus, _) = await DeliverAsync(Event($"evt_capture_{orderId}", "payment.captured", 51, orderId), stack.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, captureStatus);
        var order = await OrderAsync(shopper, orderId);
        Assert.Equal("PAID", order.GetProperty("status").GetString());
        Assert.Equal("CAPTURED", order.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(1, await CountAsync("""select count(*) from orders.payment_events where "EventId" = $1 and "ProcessedAt" is not null""", $"evt_capture_{orderId}"));

        // The same capture event again: now a confirmation of what the store recorded.
        var (againStatus, _) = await DeliverAsync(Event($"evt_capture_{orderId}", "payment.captured", 51, orderId), stack.WebhookSecret);
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal("CAPTURED", (await OrderAsync(shopper, orderId)).GetProperty("payment").GetProperty("status").GetString());
    }

    [Fact]
    public async Task APaymentVoidedAtTheProvider_HoldsTheOrderBeforeItShips_AndACancelGivesTheStockBack()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;

        // Voided from the provider's dashboard (a dispute, a support agent), and its event delivered.
        Assert.Equal("Voided", await ScalarAsync("update orders.simulated_provider_ledger set outcome = 'Voided' where idempotency_key = $1 returning outcome", orderId));
        var (status, _) = await DeliverAsync(Event($"evt_void_{orderId}", "payment.voided", 60, orderId), stack.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, status);
        var held = await WaitForOrderAsync(shopper, orderId, "ON_HOLD");
        Assert.Equal("VOIDED", held.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("payment_not_held: the payment was voided at the provider", (await stack.OrdersScalarAsync(
            """select "HoldReason" from orders.orders where "Id" = $1""", orderId))?.ToString());

        // Released by mistake, it is held again by the next wave, before anything is packed, and
        // waits for a new review (the release is not kept as the decision on the new hold).
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        Assert.Equal("PAID", (await stack.ReviewAsync(admin, orderId, "RELEASE")).GetProperty("status").GetString());
        await WaitForOrderAsync(shopper, orderId, "ON_HOLD");
        Assert.Equal("payment_not_held: the payment was voided at the provider", (await stack.OrdersScalarAsync(
            """select "HoldReason" from orders.orders where "Id" = $1 and "Review_Decision" is null""", orderId))?.ToString());
        Assert.Equal(0, await CountAsync("""select count(*) from orders.shipments where "OrderId" = $1""", orderId));

        Assert.Equal("CANCELLED", (await stack.ReviewAsync(admin, orderId, "CANCEL")).GetProperty("status").GetString());
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5);
    }

    /// <summary>
    /// A webhook the store refuses is sent again after a wait that doubles each time, as
    /// providers back off: an order's events sent to an endpoint that answers 503 for 6 s go
    /// out a handful of times each, not once a round. Before, every refused event went again
    /// every round (here 0.2 s: about 30 times each), and a store shedding load was sent more.
    /// </summary>
    [Fact]
    public async Task ARefusedWebhook_IsSentAgainLessAndLessOften()
    {
        const string instance = "orders-webhooks-refused";
        const string database = "orders_webhooks_refused_test";
        await TestDatabases.RecreateAsync(stack.Settings, [database], CancellationToken.None);
        var posts = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        await using var endpoint = new LocalHttpEndpoint(body =>
        {
            posts.AddOrUpdate(JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!, 1, (_, n) => n + 1);
            return 503;
        });
        using var refused = await stack.StartInstanceAsync(ServiceNames.Orders, instance, new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = stack.Settings.PostgresConnectionString(database),
            ["Payments__Webhooks__Url"] = endpoint.Url.ToString(),
            ["Payments__Webhooks__Copies"] = "1",
        });
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        Assert.Empty((await stack.CallAsync(shopper, CartTests.AddToCart, new { sku, quantity = 1 }, instance)).ErrorCodes());
        Assert.Empty((await stack.PlaceAsync(shopper, service: instance)).ErrorCodes());
        await WaitForAsync(() => Task.FromResult(!posts.IsEmpty), () => "no webhook was sent");

        await Task.Delay(TimeSpan.FromSeconds(6));
        await endpoint.StopAsync();

        // The first event: at once, then 0.2, 0.4, 0.8, 1.6 and 3.2 s after each refusal, 6 in
        // 6 s, give or take a round; any later one (a capture) fewer.
        Assert.All(posts, p => Assert.True(p.Value <= 8, $"{p.Key} was sent {p.Value} times"));
        Assert.Contains(posts, p => p.Value >= 3);
    }

    /// <summary>
    /// The review queue goes by when an order went on hold: a reviewer paging through it finds,
    /// on a later page, an order held meanwhile, however long before it was placed (here a paid
    /// order whose payment is then voided at the provider). Before, the queue went by the time
    /// placed, so such an order was behind the reviewer's cursor and on no next page. An order
    /// held again for another reason while on hold comes on a later page too.
    /// </summary>
    [Fact]
    public async Task AnOrderHeldWhileAReviewerPages_ComesOnALaterPage()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var (paid, flagged) = (stack.NewShopper(), stack.NewShopper());
        await stack.AddToCartAsync(paid, sku, 1);
        await stack.AddToCartAsync(flagged, sku, 1);
        var laterHeld = (await stack.PlaceAsync(paid)).GetProperty("order").GetProperty("id").GetString()!;
        // A card from Germany for an Illinois address: held at placement, after the paid one was placed.
        var heldFirst = (await stack.PlaceAsync(flagged, "tok_visa_de")).GetProperty("order").GetProperty("id").GetString()!;
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        const string queue = "query($after: String) { heldOrders(first: 100, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }";
        async Task<List<(string Id, string Cursor)>> PagesAsync(string? after)
        {
            var seen = new List<(string, string)>();
            do
            {
                var page = (await stack.PostAsync(ServiceNames.Orders, queue, new { after }, null, admin)).Data.GetProperty("heldOrders");
                seen.AddRange(page.GetProperty("edges").EnumerateArray().Select(e => (e.GetProperty("node").GetProperty("id").GetString()!, e.GetProperty("cursor").GetString()!)));
                after = page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean() ? page.GetProperty("pageInfo").GetProperty("endCursor").GetString() : null;
            }
            while (after is not null);
            return seen;
        }
        var reviewerAt = (await PagesAsync(null)).Single(e => e.Id == heldFirst).Cursor;

        Assert.Equal("Voided", await ScalarAsync("update orders.simulated_provider_ledger set outcome = 'Voided' where idempotency_key = $1 returning outcome", laterHeld));
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Event($"evt_void_{laterHeld}", "payment.voided", 60, laterHeld), stack.WebhookSecret)).Status);
        await WaitForOrderAsync(paid, laterHeld, "ON_HOLD");

        var later = await PagesAsync(reviewerAt);
        Assert.Contains(laterHeld, later.Select(e => e.Id));

        // Held again for another reason while on hold (its money given back at the provider),
        // the first order waits for a new review: it comes after where the reviewer is now.
        reviewerAt = later.Single(e => e.Id == laterHeld).Cursor;
        Assert.Equal("Voided", await ScalarAsync("update orders.simulated_provider_ledger set outcome = 'Voided' where idempotency_key = $1 returning outcome", heldFirst));
        Assert.Equal(HttpStatusCode.OK, (await DeliverAsync(Event($"evt_void_{heldFirst}", "payment.voided", 60, heldFirst), stack.WebhookSecret)).Status);
        await WaitForAsync(async () => (await stack.OrdersScalarAsync("""select "HoldReason" from orders.orders where "Id" = $1""", heldFirst))?.ToString()?.StartsWith("payment_not_held", StringComparison.Ordinal) == true);
        Assert.Contains(heldFirst, (await PagesAsync(reviewerAt)).Select(e => e.Id));
    }

    /// <summary>
    /// An order a fraud rule held (a German card shipping to the United States) whose payment is
    /// then voided at the provider is held for that now: the reason says so, for the reviewer,
    /// and the customer sees it too. Before, it kept the fraud rule's reason.
    /// </summary>
    [Fact]
    public async Task APaymentVoidedAtTheProvider_OfAnOrderAlreadyHeld_IsTheHoldsReasonNow()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var placed = (await stack.PlaceAsync(shopper, "tok_visa_de")).GetProperty("order");
        var orderId = placed.GetProperty("id").GetString()!;
        Assert.Equal("ON_HOLD", placed.GetProperty("status").GetString());

        Assert.Equal("Voided", await ScalarAsync("update orders.simulated_provider_ledger set outcome = 'Voided' where idempotency_key = $1 returning outcome", orderId));
        var (status, _) = await DeliverAsync(Event($"evt_void_{orderId}", "payment.voided", 60, orderId), stack.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("VOIDED", (await WaitForOrderAsync(shopper, orderId, "ON_HOLD")).GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("payment_not_held: the payment was voided at the provider", (await stack.OrdersScalarAsync(
            """select "HoldReason" from orders.orders where "Id" = $1""", orderId))?.ToString());
    }

    /// <summary>
    /// All but a cent of an order's money refunded on the provider's dashboard before it shipped
    /// (captured there and given back, its event delivered) holds the order for review, as a
    /// full refund does: it was packed and shipped, and the store's refunds refused after.
    /// Released, the next wave holds it again; cancelled, its units come back.
    /// </summary>
    [Fact]
    public async Task APaymentPartlyRefundedAtTheProvider_HoldsTheOrderBeforeItShips()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;

        Assert.Equal("Captured", await ScalarAsync("""
            update orders.simulated_provider_ledger set outcome = 'Captured', refunded = amount - 0.01, updated_at = now() where idempotency_key = $1 returning outcome
            """, orderId));
        var (status, _) = await DeliverAsync(Event($"evt_part_{orderId}", "payment.partially_refunded", 60, orderId), stack.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, status);
        var held = await WaitForOrderAsync(shopper, orderId, "ON_HOLD");
        Assert.Equal("CAPTURED", held.GetProperty("payment").GetProperty("status").GetString());
        Assert.Matches("^payment_not_held: [0-9]+\\.[0-9]{2} of the payment was refunded at the provider$", (await stack.OrdersScalarAsync(
            """select "HoldReason" from orders.orders where "Id" = $1""", orderId))?.ToString());
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        Assert.Equal("PAID", (await stack.ReviewAsync(admin, orderId, "RELEASE")).GetProperty("status").GetString());
        await WaitForOrderAsync(shopper, orderId, "ON_HOLD");
        Assert.Equal(0, await CountAsync("""select count(*) from orders.shipments where "OrderId" = $1""", orderId));

        Assert.Equal("CANCELLED", (await stack.ReviewAsync(admin, orderId, "CANCEL")).GetProperty("status").GetString());
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5);
    }

    [Fact]
    public async Task AChallengeFailedOnTheProvidersPage_RefusesTheOrder_AndReleasesTheStock()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var placed = await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "k-webhook-fail");
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;
        Assert.Equal(3, await stack.AvailableAsync(sku));

        Assert.Equal(HttpStatusCode.OK, await AnswerChallengeAsync(placed.GetProperty("paymentAction").GetProperty("challengeId").GetString()!, "wrong"));

        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5);
        Assert.Equal(JsonValueKind.Null, (await OrderAsync(shopper, orderId)).ValueKind);
        Assert.Equal(["PAYMENT_DECLINED"], (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "k-webhook-fail")).ErrorCodes());
        // Answering the same challenge again finds nothing waiting.
        Assert.Equal(HttpStatusCode.NotFound, await AnswerChallengeAsync(placed.GetProperty("paymentAction").GetProperty("challengeId").GetString()!, "pass"));
        // Given back by the webhook's path, or by the order's settlement if Redis did not answer it.
        await WaitForAsync(async () => (await stack.CartLinesAsync(shopper)).SequenceEqual([(sku, 2)]), () => "The cart was not given back.");
    }

    private const string ShortChallengeInstance = "orders-challenge";

    /// <summary>An orders instance whose 3-D Secure challenges expire after 5 s (15 min by default); any instance handles the deadline.</summary>
    private Task<ChildProcess> ShortChallengesAsync() =>
        stack.StartInstanceAsync(ServiceNames.Orders, ShortChallengeInstance, new Dictionary<string, string> { ["Orders__ChallengeTimeout"] = "00:00:05" });

    [Fact]
    public async Task AChallengeNobodyAnswers_ExpiresAtItsDeadline_ReleasingTheStock_AndChargingNothing()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        using var instance = await ShortChallengesAsync();
        var placed = await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "unanswered", service: ShortChallengeInstance);
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;
        Assert.Equal(3, await stack.AvailableAsync(sku));

        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5, () => "The expired challenge's stock was not released.");

        Assert.Equal("PAYMENT_CHALLENGE_EXPIRED", await ScalarAsync("""select "FailureCode" from orders.orders where "Id" = $1""", orderId));
        await WaitForAsync(async () => await ScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId) == "Voided");
        Assert.Equal(["PAYMENT_CHALLENGE_EXPIRED"], (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "unanswered")).ErrorCodes());
        // Unlike a failed answer, an unanswered challenge leaves the cart as it is: a quarter of an
        // hour on, the shopper may have bought the same things another way.
        Assert.Empty(await stack.CartLinesAsync(shopper));
    }

    /// <summary>
    /// The shopper answered on the provider's page in time, but the store has not heard (the
    /// webhook delayed: the answer is written as the provider records it, with no event to
    /// send). At the deadline the store asks the provider instead of refusing an order the
    /// shopper authorized: the order is paid and keeps its units.
    /// </summary>
    [Fact]
    public async Task AChallengeAnsweredAtTheProviderWhoseWebhookIsLate_IsPaidAtTheDeadline_NotExpired()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        using var instance = await ShortChallengesAsync();
        var placed = await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", key: "answered-late", service: ShortChallengeInstance);
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;

        await stack.OrdersScalarAsync("""
            update orders.simulated_provider_ledger set outcome = 'Authorized', updated_at = now() where idempotency_key = $1 and outcome = 'ChallengeRequired'
            """, orderId);

        var order = await WaitForOrderAsync(shopper, orderId, "PAID");
        Assert.Equal("AUTHORIZED", order.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(3, await stack.AvailableAsync(sku));
        Assert.Equal("Authorized", await ScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId));
    }

    /// <summary>
    /// A capture's webhook that read the order (its payment authorized) and asked the provider
    /// (captured) just before the shopper cancelled (the money refunded, the payment recorded
    /// so): its save is refused, to be sent again, and the payment stays refunded. It was set
    /// back to captured, on a cancelled order whose money had gone back (found by a review).
    /// </summary>
    [Fact]
    public async Task ACaptureWebhookOvertakenByACancel_LeavesThePaymentRefunded()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        // Captured at the provider, not yet recorded by the store (as when a wave stopped after its capture).
        Assert.Equal("Captured", await ScalarAsync("update orders.simulated_provider_ledger set outcome = 'Captured' where idempotency_key = $1 returning outcome", orderId));
        using var paused = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-paused-webhook", new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = "webhook",
            ["Orders__FaultInjection__Pause"] = "00:00:20",
            ["Orders__FaultInjection__UserId"] = shopper.Id,
        });

        var delivering = DeliverAsync(Event($"evt_capture_{orderId}", "payment.captured", 51, orderId), stack.WebhookSecret, service: "orders-paused-webhook");
        await Task.Delay(TimeSpan.FromSeconds(3));
        var cancelled = await stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId });
        Assert.Empty(cancelled.ErrorCodes());
        Assert.Equal("REFUNDED", cancelled.GetProperty("order").GetProperty("payment").GetProperty("status").GetString());
        Assert.False(delivering.IsCompleted, "The webhook was applied before the cancel.");

        var (status, _) = await delivering;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Refunded", await ScalarAsync("""select "Status" from orders.payments where "OrderId" = $1""", orderId));
        Assert.Equal("Cancelled", await ScalarAsync("""select "Status" from orders.orders where "Id" = $1""", orderId));
    }

    [Fact]
    public async Task ForgedStaleOrMalformedDeliveries_AreRefused_AndKeepNothing()
    {
        var id = $"evt_forged_{stack.RunId}";
        var body = Event(id, "payment.authorized", 99, "ord_does_not_matter");

        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync(body, "whsec_someone_else")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync(body, stack.WebhookSecret, DateTimeOffset.UtcNow.AddMinutes(-10))).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await DeliverAsync(body, signature: null)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await DeliverAsync("{\"id\": 1}", stack.WebhookSecret)).Status);
        // A time past what a date holds was an internal error (500, a stack trace in the log).
        Assert.Equal(HttpStatusCode.Unauthorized, await DeliverRawAsync(body, "t=99999999999999,v1=00"));
        // A body past the limit sent without its length (chunked) is refused as one with it is.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await DeliverRawAsync(new string(' ', 100_000) + body, "t=1,v1=00", chunked: true));
        Assert.Equal(0, await CountAsync("""select count(*) from orders.payment_events where "EventId" = $1""", id));
    }

    private async Task<HttpStatusCode> DeliverRawAsync(string body, string signature, bool chunked = false)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(stack.BaseUrl(ServiceNames.Orders), "webhooks/payments"))
        {
            Content = chunked ? new UnsizedContent(bytes) : new ByteArrayContent(bytes),
        };
        request.Headers.TryAddWithoutValidation("Webhook-Signature", signature);
        using var response = await stack.Http.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>A body whose length is not given: HttpClient sends it chunked.</summary>
    private sealed class UnsizedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    /// <summary>
    /// An order held after its parcels left (its delivery failed, say) whose money is then given
    /// back at the provider keeps the reason it was held for: it has shipped, and that record is
    /// what its reviewer needs. The payment is recorded refunded.
    /// </summary>
    [Fact]
    public async Task APaymentRefundedAtTheProvider_OfAnOrderHeldAfterItShipped_KeepsTheHoldsReason()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        await WaitForAsync(async () => await stack.OrdersCountAsync(
            """select count(*) from orders.shipments where "OrderId" = $1 and "Status" in ('InTransit', 'Delivered')""", orderId) > 0, timeout: TimeSpan.FromSeconds(60));
        // As a wave holds an order whose delivery it could not record.
        Assert.Equal("OnHold", await ScalarAsync(
            """update orders.orders set "Status" = 'OnHold', "HoldReason" = 'step_failed: a delivery that failed' where "Id" = $1 returning "Status" """, orderId));

        Assert.Equal("Refunded", await ScalarAsync(
            "update orders.simulated_provider_ledger set outcome = 'Refunded', refunded = amount, updated_at = now() where idempotency_key = $1 returning outcome", orderId));
        var (status, _) = await DeliverAsync(Event($"evt_refund_{orderId}", "payment.refunded", 70, orderId), stack.WebhookSecret);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("REFUNDED", (await WaitForOrderAsync(shopper, orderId, "ON_HOLD")).GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("step_failed: a delivery that failed", (await stack.OrdersScalarAsync(
            """select "HoldReason" from orders.orders where "Id" = $1""", orderId))?.ToString());
    }

    /// <summary>
    /// An event that cannot be applied because the orders database cannot be reached is answered
    /// 503, which the provider sends again, and kept nowhere; sent again once the database is back, it
    /// is applied. Before, an event past the fast path for confirmations (a void) met the
    /// outage at the order's lookup and was answered 500.
    /// </summary>
    [Fact]
    public async Task AnEventWhileTheDatabaseCannotBeReached_IsAnsweredSendAgain_AndAppliedWhenSentAgain()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        Assert.Equal("Voided", await ScalarAsync("update orders.simulated_provider_ledger set outcome = 'Voided' where idempotency_key = $1 returning outcome", orderId));
        const string instance = "orders-webhook-database-outage";
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, instance,
            new Dictionary<string, string> { ["Orders__Fulfillment__Enabled"] = "false" });
        var voided = Event($"evt_void_{orderId}", "payment.voided", 60, orderId);

        outage.Proxy.Refuse();
        var (refused, _) = await DeliverAsync(voided, stack.WebhookSecret, service: instance);
        outage.Proxy.Restore();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused);
        Assert.Equal(0, await CountAsync("""select count(*) from orders.payment_events where "EventId" = $1""", $"evt_void_{orderId}"));
        // Sent again, as the provider does, until taken.
        await Eventually.WaitForAsync(async () => (await DeliverAsync(voided, stack.WebhookSecret, service: instance)).Status == HttpStatusCode.OK,
            () => "The event sent again was not taken once the database was back.");
        Assert.Equal("VOIDED", (await WaitForOrderAsync(shopper, orderId, "ON_HOLD")).GetProperty("payment").GetProperty("status").GetString());
    }

    private static string Event(string id, string type, long sequence, string orderId) =>
        JsonSerializer.Serialize(new { id, type, sequence, created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(), data = new { idempotencyKey = orderId } });

    private async Task<(HttpStatusCode Status, JsonElement Body)> DeliverAsync(string body, string? signature, DateTimeOffset? at = null, string service = ServiceNames.Orders)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(stack.BaseUrl(service), "webhooks/payments"))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (signature is not null)
        {
            var timestamp = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            var mac = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signature), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
            request.Headers.TryAddWithoutValidation("Webhook-Signature", $"t={timestamp},v1={mac}");
        }
        using var response = await stack.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : default);
    }

    /// <summary>
    /// A body the provider's challenge page cannot read, sent to an instance in Development (as
    /// <c>./run.sh</c> runs them): a 400 with no stack trace. ASP.NET Core threw there, and its
    /// developer page answered with the exception, its stack and the request's headers.
    /// </summary>
    [Fact]
    public async Task AChallengeAnswerThatIsNotJson_IsABadRequest_WithNoStackTrace_InDevelopment()
    {
        using var development = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-development", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        });

        foreach (var (body, contentType) in new[] { ("{", "application/json"), ("", "application/json"), ("response=pass", "text/plain") })
        {
            using var response = await stack.Http.PostAsync(new Uri(stack.BaseUrl("orders-development"), "simulated-provider/challenges/3ds_x"),
                new StringContent(body, Encoding.UTF8, contentType));
            var text = await response.Content.ReadAsStringAsync();

            Assert.True((int)response.StatusCode is 400 or 415, $"{body} as {contentType}: {(int)response.StatusCode} {text}");
            Assert.DoesNotContain(" at ", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
        }
    }

    private async Task<HttpStatusCode> AnswerChallengeAsync(string challengeId, string answer)
    {
        using var response = await stack.Http.PostAsync(new Uri(stack.BaseUrl(ServiceNames.Orders), $"simulated-provider/challenges/{challengeId}"),
            new StringContent(JsonSerializer.Serialize(new { response = answer }), Encoding.UTF8, "application/json"));
        return response.StatusCode;
    }

    private async Task<JsonElement> OrderAsync(Shopper shopper, string orderId) =>
        (await stack.PostAsync(ServiceNames.Gateway, OrderStatus, new { id = orderId }, null, shopper.Bearer)).Data.GetProperty("order");

    private async Task<JsonElement> WaitForOrderAsync(Shopper shopper, string orderId, string status)
    {
        JsonElement order = default;
        await WaitForAsync(async () => (order = await OrderAsync(shopper, orderId)).ValueKind == JsonValueKind.Object && order.GetProperty("status").GetString() == status);
        return order;
    }

    private Task<long> CountAsync(string sql, string parameter) => stack.OrdersCountAsync(sql, parameter);

    private async Task<string> ScalarAsync(string sql, string parameter) => (string)(await stack.OrdersScalarAsync(sql, parameter))!;
}
