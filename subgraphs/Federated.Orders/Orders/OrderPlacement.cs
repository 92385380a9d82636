using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Federated.Kit.Errors;
using Federated.Kit.Types;
using Federated.Orders.Carts;
using Federated.Orders.Catalog;
using Federated.Orders.Checkout;
using Federated.Orders.Data;
using Federated.Orders.Fulfillment;
using Federated.Orders.Messaging;
using Federated.Orders.Payments;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using RedisException = StackExchange.Redis.RedisException;

namespace Federated.Orders.Orders;

public sealed record PaymentAction(string Type, string ChallengeId);

public sealed record PlaceOrderResult(Order? Order, PaymentAction? PaymentAction, IReadOnlyList<UserError> Errors)
{
    public static PlaceOrderResult Failed(params UserError[] errors) => new(null, null, errors);
}

/// <summary>
/// placeOrder, step by step, each step saved before the next: the order is recorded (Pending,
/// idempotency key unique per customer) with the customer's recent orders read for the fraud
/// rules, which run next; stock is reserved in the catalog (keyed by the order id), the card
/// is authorized (keyed by the order id). Any refusal releases the stock and voids the payment,
/// both idempotent, and records the refusal so a replay answers the same; when the catalog
/// cannot be reached the refusal is saved with a durable <see cref="SettleOrder"/> instead. An
/// order left Pending by a crash is refused and settled by <see cref="InterruptedPlacements"/>,
/// on whichever instance runs then. Totals come from the catalog's current prices, never the client.
/// </summary>
public sealed class OrderPlacement(
    IDbContextFactory<OrdersDbContext> factory, PlacementWrites writes, CatalogClient catalog, IPaymentProvider provider, FraudRules fraud,
    CartStore carts, CartPricing pricing, OrderOutbox outbox, FaultInjection faults, TimeProvider time, IConfiguration configuration,
    ILogger<OrderPlacement> logger)
{
    public const string CartEmpty = "CART_EMPTY";
    public const string KeyReused = "IDEMPOTENCY_KEY_REUSED";
    public const string InProgress = "ORDER_IN_PROGRESS";
    public const string CheckoutInProgress = "CHECKOUT_IN_PROGRESS";
    public const string OutOfStock = "OUT_OF_STOCK";
    public const string PriceChanged = "PRICE_CHANGED";
    public const string TotalChanged = "TOTAL_CHANGED";
    public const string ItemUnavailable = "ITEM_UNAVAILABLE";
    public const string PaymentDeclined = "PAYMENT_DECLINED";
    public const string PaymentTimeout = "PAYMENT_TIMEOUT";
    public const string FraudDeclined = "FRAUD_DECLINED";
    public const string InvalidInput = "INVALID_INPUT";
    public const string ThreeDSecure = "THREE_D_SECURE";
    public const string AlreadyOrdered = "ALREADY_ORDERED";
    private const string FraudDeclinedMessage = "The order was declined by our fraud checks.";

    /// <summary>
    /// How long the same key again waits for the first attempt's answer: with the wait for a turn
    /// (<c>GraphQL:Admission:MaxWait</c>, 4 s) and its own reads, under the gateway's 10 s for a
    /// subgraph's answer, so that a retry through it is told ORDER_IN_PROGRESS rather than the
    /// gateway's timeout (it waited 20 s, and kept its turn at the service that long).
    /// </summary>
    private static readonly TimeSpan ReplayWait = TimeSpan.FromSeconds(5);
    private static readonly UserError PlacementUnderway = new(CheckoutInProgress, "This cart is being placed by another request; wait for its answer.", ["input"]);
    private const string NumberIndex = "IX_orders_Number";
    private const string KeyIndex = "IX_orders_UserId_IdempotencyKey";
    private const string DiscountUseIndex = "IX_discount_redemptions_Code_UserId_Slot";
    // As long as a placement can go on before the sweep refuses its order (after which its save
    // writes nothing), so no second placement of the cart begins beside a live one; a crashed one
    // frees the cart then, when its Pending order, which also blocks a second, has been refused.
    private TimeSpan PlacementLease => InterruptedPlacements.PendingTimeout(configuration) + 2 * InterruptedPlacements.SweepInterval(configuration);

    public async Task<PlaceOrderResult> PlaceAsync(string userId, PlaceOrderInput input, CancellationToken cancellationToken)
    {
        var errors = input.ShippingAddress.Validate("input", "shippingAddress");
        if (string.IsNullOrWhiteSpace(input.IdempotencyKey) || input.IdempotencyKey.Length > 100)
            errors.Add(new(InvalidInput, "'idempotencyKey' must be 1 to 100 characters.", ["input", "idempotencyKey"]));
        if (string.IsNullOrWhiteSpace(input.Payment.CardToken) || input.Payment.CardToken.Length > 64)
            errors.Add(new(InvalidInput, "'cardToken' must be 1 to 64 characters.", ["input", "payment", "cardToken"]));
        if (errors.Count > 0)
            return PlaceOrderResult.Failed([.. errors]);

        var requestHash = Hash(input);
        // One placement of a cart at a time: two requests under two keys at once (a double
        // click, two tabs) would otherwise both read the cart before either empties it, and make
        // two orders and two charges. Requests under the same key go on: the order's key decides.
        var cartId = CartStore.UserCartId(userId);
        var claim = await carts.ClaimPlacementAsync(cartId, input.IdempotencyKey, PlacementLease);
        if (claim == PlacementClaim.Refused)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            return await FindAsync(db, userId, input.IdempotencyKey, cancellationToken) is { } existing
                ? await ReplayAsync(existing, requestHash, await pricing.PriceAsShownAsync(await carts.GetAsync(cartId), userId, cancellationToken, VariantDetails.None), cancellationToken)
                : PlaceOrderResult.Failed(PlacementUnderway);
        }
        PlaceOrderResult? result = null;
        var progress = new Progress();
        try
        {
            return result = await PlaceClaimedAsync(userId, input, requestHash, progress, cancellationToken);
        }
        finally
        {
            // A request that shared the claim (the same key again) leaves it to the one that made it.
            if (claim == PlacementClaim.Claimed)
                await FinishClaimAsync(cartId, input.IdempotencyKey, result, progress);
        }
    }

    /// <summary>How far a placement went, for when it ends with an exception: whether its order may have been recorded.</summary>
    private sealed class Progress
    {
        public bool InsertSent { get; set; }
    }

    /// <summary>
    /// Frees the cart for its next placement, unless its order may stand with its lines still in
    /// the cart: Redis failed to take them out, or the placement failed after its order was sent
    /// to the database (an answer lost and the database not readable after, so the order may have
    /// been saved as paid). Then the claim stays until its lease ends and the sweep has looked at
    /// the order (<see cref="InterruptedPlacements"/>), so that the lines are not ordered twice
    /// under another key meanwhile. When Redis does not answer, the sweep ends the claim then too.
    /// </summary>
    private async Task FinishClaimAsync(string cartId, string idempotencyKey, PlaceOrderResult? result, Progress progress)
    {
        if (result is null && progress.InsertSent)
            return;
        var end = result is { Order: { } order } && TakesOutOfCart(order, time.GetUtcNow()) ? PlacementEnd.Stood : PlacementEnd.Settled;
        try
        {
            await carts.FinishPlacementAsync(cartId, idempotencyKey, end, result?.Order?.Id);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "The cart {CartId} stays claimed until its lease ends: Redis did not answer", cartId);
        }
    }

    /// <summary>
    /// Whether <paramref name="order"/>'s lines are to leave its cart when found still in it: it
    /// stands (or waits for its challenge), and it was placed less than
    /// <see cref="CartStore.ReplayTakesOutWithin"/> ago (the mark that they left lives no longer,
    /// so an older order's lines in the cart may be ones added since).
    /// </summary>
    public static bool TakesOutOfCart(Order order, DateTimeOffset now) =>
        order.Status is not (OrderStatus.Pending or OrderStatus.Failed or OrderStatus.Cancelled)
        && order.PlacedAt > now - CartStore.ReplayTakesOutWithin;

    private async Task<PlaceOrderResult> PlaceClaimedAsync(string userId, PlaceOrderInput input, string requestHash, Progress progress, CancellationToken cancellationToken)
    {
        // The cart as the shopper was shown it; the reservation confirms the catalog still sells at
        // these terms, and says whether the units are there. Order lines record their product's id and name.
        var cart = await pricing.PriceAsShownAsync(await carts.GetAsync(CartStore.UserCartId(userId)), userId, cancellationToken, VariantDetails.Product);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // A key seen before is answered as the first time. The usual replay comes after the order
        // emptied the cart, so it is looked for when the cart cannot be placed; a replay of a
        // cart that can be placed collides with the first order's key on insert below.
        var (rate, refusal) = PickRate(cart, input);
        if (refusal is not null)
        {
            if (await FindAsync(db, userId, input.IdempotencyKey, cancellationToken) is { } existing)
                return await ReplayAsync(existing, requestHash, cart, cancellationToken);
            return PlaceOrderResult.Failed(refusal);
        }

        var order = NewOrder(userId, input, requestHash, cart, rate!);
        // The total the shopper was shown (shippingRates' quote), when the client sends it: an
        // order that comes to another (a guest cart merged into an account cart that held lines,
        // a line changed in another tab since the quote) is refused before anything is held or
        // charged, and not recorded, so the same key with the new total places it. A key that has
        // an answer (the first request's, lost) is answered with it, as the key's replays are. A
        // code that stopped applying is refused by its own code below, which also takes it off the cart.
        if (input.ExpectedTotal is { } expected && expected != order.Total && cart.DiscountError is null)
            return await FindAsync(db, userId, input.IdempotencyKey, cancellationToken) is { } answered
                ? await ReplayAsync(answered, requestHash, cart, cancellationToken)
                : PlaceOrderResult.Failed(new UserError(TotalChanged,
                    $"The order comes to {order.Total:0.00} {order.CurrencyCode}, not the {expected.ToString(CultureInfo.InvariantCulture)} expected: the cart or its shipping changed since it was shown. Review it and try again.",
                    ["input", "expectedTotal"]));
        // Amounts the order's columns cannot hold (100 lines of the catalog's dearest items, with
        // VAT) are far past the fraud rules' hard limit, so they get its answer, unrecorded.
        if (Math.Max(order.Subtotal, order.Total) > Order.MaxAmount)
            return PlaceOrderResult.Failed(new UserError(FraudDeclined, FraudDeclinedMessage, ["input"]));
        // The code's use is taken with the order: of two orders placed at once, only one takes
        // the customer's last use of it (its slot is unique), and a failed order gives it back.
        var use = cart.Discount is { } discount
            ? new DiscountRedemption { Code = discount.Code, UserId = userId, OrderId = order.Id, Slot = discount.Slot, CreatedAt = order.PlacedAt }
            : null;
        FraudVelocity velocity;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Not given up with the shopper's request: once sent, the order may stand, and the rest must follow it.
                progress.InsertSent = true;
                velocity = await writes.InsertAsync(order, use, fraud.VelocityQuery(order, input.Payment.CardToken), CancellationToken.None);
                break;
            }
            catch (PlacementWrites.AnswerLostException lost)
            {
                // The answer lost (the connection broke after the batch was sent): the order may
                // stand. Read back, it is placed on from here, where the shopper was told
                // SERVICE_UNAVAILABLE, and the same key then found it Pending for two minutes
                // (ORDER_IN_PROGRESS) and refused by the sweep after (ORDER_INTERRUPTED).
                velocity = await RecordedOrThrowAsync(order, input.Payment.CardToken, lost.Lost);
                break;
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: NumberIndex } && attempt < 3)
            {
                // Another order drew the same number: draw again (the batch left nothing behind).
                order.Number = NewNumber(order.PlacedAt);
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: DiscountUseIndex })
            {
                // Another order took the same use of the code first; unless it was this very request, sent before.
                return await FindAsync(db, userId, input.IdempotencyKey, cancellationToken) is { } existing
                    ? await ReplayAsync(existing, requestHash, cart, cancellationToken)
                    : PlaceOrderResult.Failed(new UserError(Discounts.LimitReached, $"The code {cart.Discount!.Code} was used up by another order placed meanwhile.", ["input"]));
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: KeyIndex })
            {
                // The same key again: sent while the first was being placed, or after it was refused.
                return await ReplayAsync((await FindAsync(db, userId, input.IdempotencyKey, cancellationToken))!, requestHash, cart, cancellationToken);
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: OrdersDbContext.PendingPerCustomerIndex })
            {
                // Another of the customer's orders is being placed, though the cart's claim let this
                // request by (the claim lost in Redis, or outlived): one placement at a time.
                return await FindAsync(db, userId, input.IdempotencyKey, cancellationToken) is { } existing
                    ? await ReplayAsync(existing, requestHash, cart, cancellationToken)
                    : PlaceOrderResult.Failed(PlacementUnderway);
            }
            catch (NpgsqlException)
            {
                // No connection to be had (nothing was sent), or the server refused the batch (one
                // transaction: nothing of it stands). No order may stand, so the cart's claim is
                // freed; it was kept for its whole lease, and the shopper's next checkout under
                // another key refused as CHECKOUT_IN_PROGRESS for two minutes after the outage.
                progress.InsertSent = false;
                throw;
            }
        }
        // A code the shopper applied that no longer applies (another order used it up meanwhile,
        // it expired, the cart fell below its minimum) is refused rather than silently dropped:
        // the order is not charged more than shown. The refusal is recorded under the key, as
        // the order's, since the code is then taken off the cart: a retry under the same key
        // (its answer lost) is refused the same, not placed without the code.
        if (cart.DiscountError is { } stopped)
            return await RefuseStoppedCodeAsync(db, order, stopped, cart.DiscountCode!);
        // An order of the customer's last minutes that stands with its lines never taken out of
        // the cart: the cart's claim was lost in Redis (a failover to a replica that had not
        // received it) after that order was saved and before its take-out, so nothing was left
        // to take them out, and this checkout is that cart again, a second order and charge of
        // the same lines. They are taken out now, and this order is refused before anything is
        // held or charged: the shopper looks at the cart again.
        if (await OrderedAlreadyAsync(db, order, velocity.RecentlyStanding) is { } earlier)
            return await FailAsync(db, order, AlreadyOrdered,
                $"Order {earlier.Number}, placed at {earlier.PlacedAt:u}, has items of this cart that had stayed in it; they were taken out now, so that they are not ordered twice. Look at the cart again, then place the order under a new idempotency key.",
                release: false, CancellationToken.None);
        try
        {
            return await ProceedAsync(db, order, cart, input.Payment.CardToken, velocity);
        }
        catch (DbUpdateConcurrencyException)
        {
            // The order changed while this request placed it: it outlived the pending timeout and
            // was refused as interrupted, its units and money given back. Nothing of this
            // request was saved over that; the shopper is answered as a replay would be.
            await using var other = await factory.CreateDbContextAsync(CancellationToken.None);
            return await ReplayAsync((await FindAsync(other, userId, input.IdempotencyKey, CancellationToken.None))!, requestHash, cart, CancellationToken.None);
        }
    }

    /// <summary>
    /// Of the customer's <paramref name="recent"/> standing orders, the first (oldest) whose
    /// lines have no mark that they left the cart (<see cref="CartStore.NotTakenOutAsync"/>),
    /// that <paramref name="order"/>'s cart still holds whole (at least its units of each of its
    /// lines), and since whose placement the cart's lines have not changed: what the cart looks
    /// like when its claim was lost in Redis after that order stood and before its take-out.
    /// Its lines are taken out now, as the sweep would have had the claim lived. Any other cart
    /// is left alone: with the mark alone lost (an eviction) the take-out itself changed the
    /// lines after the placement, and what the shopper added since is no duplicate. Redis
    /// failing while looking lets the placement go on (a placement refused for Redis would be
    /// refused for every shopper with a recent order); one found is refused for, whether or not
    /// its take-out answers.
    /// </summary>
    private async Task<Order?> OrderedAlreadyAsync(OrdersDbContext db, Order order, IReadOnlyList<string> recent)
    {
        if (recent.Count == 0)
            return null;
        IReadOnlyList<string> unmarked;
        TimeSpan? sinceChanged;
        try
        {
            unmarked = await carts.NotTakenOutAsync(recent);
            if (unmarked.Count == 0)
                return null;
            sinceChanged = await carts.SinceLinesChangedAsync(CartStore.UserCartId(order.UserId));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.LogWarning(ex, "Could not check whether the recent orders of order {OrderId}'s customer left the cart: Redis did not answer", order.Id);
            return null;
        }
        if (sinceChanged is not { } unchangedFor)
            return null;
        var inCart = Units(order.Lines);
        var candidates = await db.Orders.AsNoTracking().Include(o => o.Lines).Where(o => unmarked.Contains(o.Id)).OrderBy(o => o.PlacedAt)
            .ToListAsync(CancellationToken.None);
        var now = time.GetUtcNow();
        foreach (var earlier in candidates.Where(o => TakesOutOfCart(o, now) && unchangedFor > now - o.PlacedAt
            && Units(o.Lines).All(u => inCart.GetValueOrDefault(u.Key) >= u.Value)))
        {
            try
            {
                // Marked meanwhile: taken out by its own placement, late (still a duplicate here),
                // or put back by a failed challenge (then the lines are the cart's again).
                if (!await carts.TakeOutAsync(earlier)
                    && await db.Orders.AsNoTracking().Where(o => o.Id == earlier.Id).Select(o => o.Status).SingleAsync(CancellationToken.None) is OrderStatus.Failed or OrderStatus.Cancelled)
                    continue;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "Order {OrderId}'s lines, still in the cart, could not be taken out: Redis did not answer", earlier.Id);
            }
            logger.LogWarning("Order {OrderId} stood with its lines still in the cart; order {NewOrderId}, placed from that cart, is refused", earlier.Id, order.Id);
            return earlier;
        }
        return null;
    }

    private static Dictionary<string, int> Units(IEnumerable<OrderLine> lines) =>
        lines.GroupBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(l => l.Quantity), StringComparer.Ordinal);

    /// <summary>
    /// Refuses a recorded order whose cart's code stopped applying, and takes the code off the
    /// cart, as the refusal says: the next try (under a new key) pays what the cart then shows,
    /// where a code kept would refuse every try (no mutation takes a code off).
    /// </summary>
    private async Task<PlaceOrderResult> RefuseStoppedCodeAsync(OrdersDbContext db, Order order, UserError stopped, string code)
    {
        try
        {
            await carts.DropDiscountCodeAsync(CartStore.UserCartId(order.UserId), code);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // Refused all the same: the next try finds the code still not applying, and is refused again.
            logger.LogWarning(ex, "Order {OrderId} is refused, but Redis did not take the code off the cart", order.Id);
        }
        return await FailAsync(db, order, stopped.Code, $"{stopped.Message} It was taken off the cart: look at the cart again, then place the order under a new idempotency key.",
            release: false, CancellationToken.None);
    }

    /// <summary>The shipping rate the shopper chose, if this cart can be placed with it to that address.</summary>
    private static (ShippingRate? Rate, UserError? Refusal) PickRate(PricedCart cart, PlaceOrderInput input)
    {
        if (cart.Lines.Count == 0)
            return (null, new UserError(CartEmpty, "The cart is empty.", ["input"]));
        var (rates, rateError) = ShippingOperations.RatesFor(cart, input.ShippingAddress);
        if (rateError is not null)
            return (null, rateError with { Field = ["input", "shippingAddress", .. (rateError.Field ?? []).Skip(2)] });
        return rates.FirstOrDefault(r => r.Id == input.ShippingRateId) is { } rate
            ? (rate, null)
            : (null, new UserError(ShippingRates.RateNotFound, "That shipping rate is not offered for this cart and address; ask shippingRates again.", ["input", "shippingRateId"]));
    }

    /// <summary>
    /// Check, reserve, charge: what follows the recorded order, priced as <paramref name="cart"/>,
    /// its customer's recent orders (<paramref name="velocity"/>) read as it was recorded.
    /// </summary>
    private async Task<PlaceOrderResult> ProceedAsync(OrdersDbContext db, Order order, PricedCart cart, string cardToken, FraudVelocity velocity)
    {
        // The shopper leaving must not strand the order half way: the rest runs to its end.
        var cancellationToken = CancellationToken.None;

        // The fraud rules decide before anything is held: a declined order reserves nothing.
        var decision = fraud.Decide(order, cardToken, velocity);
        if (decision.Verdict == FraudVerdict.Decline)
            return await FailAsync(db, order, FraudDeclined, FraudDeclinedMessage, release: false, cancellationToken, decision.Reason);
        order.HoldReason = decision.Reason;
        await faults.PauseAfterAsync(FaultInjection.AfterInsert, [order.UserId]);

        try
        {
            var terms = cart.Lines.ToDictionary(l => l.Sku, l => l.Variant, StringComparer.Ordinal);
            var (held, refusal) = await catalog.ReserveAsync(order.Id, [.. order.Lines.Select(l => (l.Sku, l.Quantity, (CatalogVariant?)terms[l.Sku]))],
                Centers.PreferredCenters(order.ShippingAddress), cancellationToken);
            if (held is null)
                return await RefuseAsync(db, order, refusal!, cancellationToken);
            order.Allocation = [.. held.Select(h => new HeldUnits { Sku = h.Sku, FulfillmentCenter = h.Center, Quantity = h.Quantity })];
        }
        catch (GraphQLFailure failure)
        {
            // Recorded under the key, and answered the same to a retry under it: the next try is under a new one.
            return await FailAsync(db, order, failure.Code!, $"{failure.Message} Place the order under a new idempotency key.", release: true, cancellationToken);
        }
        await faults.PauseAfterAsync(FaultInjection.AfterReservation, [order.UserId]);

        ProviderResult result;
        try
        {
            result = await provider.AuthorizeAsync(order.Id, order.Total, order.CurrencyCode, cardToken, cancellationToken);
        }
        catch (PaymentTimeoutException)
        {
            // Whether the provider charged is unknown: voiding by the same key settles it either way.
            await provider.VoidAsync(order.Id, cancellationToken);
            order.Payment!.Status = PaymentStatus.Voided;
            return await FailAsync(db, order, PaymentTimeout, "The payment provider did not answer in time; nothing was charged. Place the order again, under a new idempotency key.", release: true, cancellationToken);
        }
        await faults.PauseAfterAsync(FaultInjection.AfterAuthorization, [order.UserId]);
        return await ApplyAuthorizationAsync(db, order, result, cancellationToken);
    }

    /// <summary>
    /// The catalog held nothing: short of units, or the cart was priced at terms the catalog no
    /// longer sells at. Then the terms recorded with the cart are forgotten, so the cart is priced
    /// again when next shown or placed, and the shopper is asked to look at it again.
    /// </summary>
    private async Task<PlaceOrderResult> RefuseAsync(OrdersDbContext db, Order order, UserError refusal, CancellationToken cancellationToken)
    {
        if (refusal.Code == CatalogClient.OutOfStock)
            return await FailAsync(db, order, OutOfStock, refusal.Message, release: false, cancellationToken);
        if (refusal.Code == CatalogClient.ReservationReleased)
        {
            // Released before it was held: the sweep found this placement stalled and refused it.
            return await FailAsync(db, order, OrderMessageHandler.Interrupted, OrderMessageHandler.InterruptedMessage, release: false, cancellationToken);
        }
        try
        {
            await carts.ForgetTermsAsync(CartStore.UserCartId(order.UserId));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The refusal is recorded below all the same: the order must not stay Pending. The
            // terms lapse with the cart, and the next placement's reservation refuses them again.
            logger.LogWarning(ex, "Order {OrderId} is refused, but Redis did not forget the cart's terms", order.Id);
        }
        return refusal.Code == CatalogClient.PriceChanged
            ? await FailAsync(db, order, PriceChanged,
                $"Prices in the cart changed since it was shown: {refusal.Message} Look at the cart again, then place the order under a new idempotency key.", release: false, cancellationToken)
            : await FailAsync(db, order, ItemUnavailable,
                $"An item in the cart is no longer sold: {refusal.Message} Look at the cart again, then place the order under a new idempotency key.", release: false, cancellationToken);
    }

    /// <summary>Records the provider's answer: paid (or on hold), challenge pending, or declined.</summary>
    public async Task<PlaceOrderResult> ApplyAuthorizationAsync(OrdersDbContext db, Order order, ProviderResult result, CancellationToken cancellationToken)
    {
        var payment = order.Payment!;
        payment.ProviderReference = result.Reference;
        payment.UpdatedAt = time.GetUtcNow();
        switch (result.Outcome)
        {
            case ProviderOutcome.Authorized:
                payment.Status = PaymentStatus.Authorized;
                await AcceptAsync(db, order, order.HoldReason is null ? OrderStatus.Paid : OrderStatus.OnHold, cancellationToken);
                return new PlaceOrderResult(order, null, []);
            case ProviderOutcome.ChallengeRequired:
                payment.Status = PaymentStatus.ActionRequired;
                payment.ChallengeId = result.ChallengeId;
                await AcceptAsync(db, order, OrderStatus.PaymentActionRequired, cancellationToken);
                return new PlaceOrderResult(order, new PaymentAction(ThreeDSecure, result.ChallengeId!), []);
            default:
                payment.Status = PaymentStatus.Declined;
                payment.DeclineReason = result.DeclineReason;
                return await FailAsync(db, order, PaymentDeclined, $"The card was declined ({result.DeclineReason}).", release: true, cancellationToken);
        }
    }

    /// <summary>The order stands: saved in its new state, the discount counted, what it ordered taken out of the cart.</summary>
    private async Task AcceptAsync(OrdersDbContext db, Order order, OrderStatus status, CancellationToken cancellationToken)
    {
        var wasPending = order.Status == OrderStatus.Pending;
        order.Status = status;
        order.UpdatedAt = time.GetUtcNow();
        // A paid order is packed by the fulfillment wave that finds it due (FulfillmentProcess).
        if (status == OrderStatus.PaymentActionRequired)
            await AwaitChallengeAsync(db, order, cancellationToken);
        else if (db.Entry(order).State == EntityState.Detached)
            await AcceptRecordedAsync(order, cancellationToken);
        else
            await db.SaveChangesAsync(cancellationToken);
        if (wasPending)
        {
            await faults.PauseAfterAsync(FaultInjection.AfterAccept, [order.UserId]);
            await TakeOutOfCartAsync(order);
        }
    }

    /// <summary>
    /// Saves the order as waiting for the shopper's challenge, with the message that ends it
    /// unanswered. When the commit's answer is lost, where the order stands is read back as
    /// after a paid order's accept (<see cref="AcceptRecordedAsync"/>): moved on, the challenge
    /// stands and the shopper is given it (before, SERVICE_UNAVAILABLE, and only the same key
    /// again showed the challenge, while the sweep took the lines out of the cart); refused by
    /// the sweep meanwhile, answered as any change made meanwhile. Still Pending, or not
    /// readable, the failure stands: the sweep refuses the order and gives back its units and money.
    /// </summary>
    private async Task AwaitChallengeAsync(OrdersDbContext db, Order order, CancellationToken cancellationToken)
    {
        try
        {
            await outbox.SaveAsync(Track(db, order), new ChallengeDeadline(order.Id), outbox.ChallengeTimeout, cancellationToken);
        }
        catch (NpgsqlException lost) when (lost is not PostgresException)
        {
            logger.LogWarning(lost, "The answer to saving order {OrderId}'s challenge was lost; reading where it stands", order.Id);
            var (read, standing) = await ReadBackAsync(ct => writes.StandingAsync(order, ct), cancellationToken);
            if (read && standing == PlacementWrites.Standing.Refused)
                throw new DbUpdateConcurrencyException($"Order {order.Id} was refused while it was being placed.");
            if (!read || standing != PlacementWrites.Standing.Accepted)
                throw;
        }
    }

    /// <summary>
    /// Accepts a recorded order in one statement. When its answer is lost (the connection broke
    /// after the statement was sent, so it may have been committed), where the order stands is
    /// read back on another connection before the shopper is answered: accepted, it stands, and
    /// the shopper is told so (before, SERVICE_UNAVAILABLE for an order that stood, its lines
    /// left in the cart); still Pending, it is accepted again; refused meanwhile by the sweep,
    /// that is answered as for any change made meanwhile. When the database cannot be read
    /// either, the first failure stands (SERVICE_UNAVAILABLE): the order, left Pending if it
    /// was, is refused by the sweep and its units and money given back.
    /// </summary>
    private async Task AcceptRecordedAsync(Order order, CancellationToken cancellationToken)
    {
        try
        {
            await writes.AcceptAsync(order, cancellationToken);
            return;
        }
        catch (NpgsqlException lost) when (lost is not PostgresException)
        {
            logger.LogWarning(lost, "The answer to accepting order {OrderId} was lost; reading where it stands", order.Id);
            var (read, standing) = await ReadBackAsync(ct => writes.StandingAsync(order, ct), cancellationToken);
            if (!read)
                throw;
            switch (standing)
            {
                case PlacementWrites.Standing.Accepted:
                    return;
                case PlacementWrites.Standing.Refused:
                    throw new DbUpdateConcurrencyException($"Order {order.Id} was refused while it was being placed.");
                default:
                    // Not committed: the order is as it was recorded, under the same row version.
                    await writes.AcceptAsync(order, cancellationToken);
                    return;
            }
        }
    }

    /// <summary>
    /// After an insert whose answer was <paramref name="lost"/>: the customer's recent orders if
    /// the order was recorded and is still Pending (read back on another connection, as after a
    /// lost accept, within <see cref="ReadBackDeadline"/>); otherwise the loss is thrown on, as
    /// SERVICE_UNAVAILABLE: nothing was recorded (the same key places the order), the sweep
    /// refused it meanwhile (the same key answers that), or the database cannot be read.
    /// </summary>
    private async Task<FraudVelocity> RecordedOrThrowAsync(Order order, string cardToken, NpgsqlException lost)
    {
        logger.LogWarning(lost, "The answer to recording order {OrderId} was lost; reading whether it was recorded", order.Id);
        using var deadline = new CancellationTokenSource(ReadBackDeadline, time);
        if (await ReadBackAsync(ct => writes.RecordedAsync(order, fraud.VelocityQuery(order, cardToken), ct), deadline.Token) is (true, { } velocity))
            return velocity;
        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(lost);
        return default;
    }

    /// <summary>
    /// Where a write whose answer was lost left things, read on another connection: tried again
    /// after a pause while the database cannot be reached, up to <see cref="ReadBackAttempts"/>
    /// times or until <paramref name="cancellationToken"/>; not read when it cannot be.
    /// </summary>
    private async Task<(bool Read, T Value)> ReadBackAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (true, await read(cancellationToken));
            }
            catch (NpgsqlException again) when (again is not PostgresException && attempt < ReadBackAttempts)
            {
                try
                {
                    await Task.Delay(ReadBackPause * attempt, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return (false, default!);
                }
            }
            catch (Exception ex) when (ex is NpgsqlException or OperationCanceledException)
            {
                return (false, default!);
            }
        }
    }

    private const int ReadBackAttempts = 4;

    /// <summary>How long a lost insert's answer is looked for before the shopper is told to try again.</summary>
    private static readonly TimeSpan ReadBackDeadline = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ReadBackPause = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Takes what a standing order was placed with out of its cart, once (a replay finding it done
    /// changes nothing). An order whose challenge is out may yet fail and give its lines back:
    /// what it took is recorded for that.
    /// </summary>
    private async Task TakeOutOfCartAsync(Order order)
    {
        try
        {
            await carts.TakeOutAsync(order);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The order stands, saved: the shopper is told so. An error now would read as a failed
            // checkout, and a second try under a new key would be a second order and charge. A
            // replay of the placement (the same key) takes the lines out then.
            logger.LogWarning(ex, "Order {OrderId} stands, but Redis did not take its lines out of the cart; they stay in it", order.Id);
        }
    }

    /// <summary>
    /// Refuses the order: stock released (when it may be held), the refusal recorded for replays.
    /// The release runs inline, so the units are back when the shopper reads the answer; if the
    /// catalog cannot be reached, the refusal is saved with a durable <see cref="SettleOrder"/>.
    /// </summary>
    public async Task<PlaceOrderResult> FailAsync(OrdersDbContext db, Order order, string code, string message, bool release, CancellationToken cancellationToken, string? reason = null)
    {
        var settled = !release;
        if (release)
        {
            try
            {
                await catalog.ReleaseAsync(order.Id, cancellationToken);
                settled = true;
            }
            catch (Exception ex) when (ex is GraphQLFailure or InvalidOperationException or HttpRequestException or TaskCanceledException)
            {
                logger.LogWarning(ex, "Could not release the stock of order {OrderId} now; a durable settlement will", order.Id);
            }
        }
        order.Fail(code, message);
        // An order whose challenge the shopper failed took its lines out of the cart: they go
        // back, by the durable settlement too, should Redis not answer now.
        var restore = OrderSettlement.GivesCartBack(order);
        settled &= !restore;
        order.HoldReason = reason ?? order.HoldReason;
        order.UpdatedAt = time.GetUtcNow();
        await GiveBackDiscountAsync(db, order, cancellationToken);
        await outbox.SaveAsync(Track(db, order), settled ? null : new SettleOrder(order.Id), null, cancellationToken);
        if (restore)
        {
            try
            {
                await OrderSettlement.GiveCartBackAsync(carts, order);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.LogWarning(ex, "The lines of refused order {OrderId} go back into the cart with its settlement: Redis did not answer", order.Id);
            }
        }
        return PlaceOrderResult.Failed(new UserError(code, message, ["input"]));
    }

    /// <summary>
    /// An order being placed is recorded by <see cref="PlacementWrites"/>, not through the
    /// context. A save of it through the context (a refusal, a challenge) attaches it as it was
    /// recorded, without an allocation, and writes the order's and the payment's columns back under
    /// the version it was recorded with; the reservation's allocation, put back after the attach,
    /// is saved as EF Core saves items added to a JSON column.
    /// </summary>
    private static OrdersDbContext Track(OrdersDbContext db, Order order)
    {
        if (db.Entry(order).State != EntityState.Detached)
            return db;
        var allocation = order.Allocation;
        order.Allocation = [];
        db.Attach(order);
        order.Allocation = allocation;
        db.Entry(order).State = EntityState.Modified;
        db.Entry(order.Payment!).State = EntityState.Modified;
        return db;
    }

    /// <summary>A failed order does not use its code up: its use is removed with the save that fails it.</summary>
    public static async Task GiveBackDiscountAsync(OrdersDbContext db, Order order, CancellationToken cancellationToken)
    {
        if (order.DiscountCode is null)
            return;
        db.DiscountRedemptions.RemoveRange(await db.DiscountRedemptions.Where(r => r.OrderId == order.Id).ToListAsync(cancellationToken));
    }

    /// <summary>
    /// The same key again: the same answer, once the first attempt has one. Another request
    /// under the key (other address, rate or card, or a cart that changed since) is refused.
    /// </summary>
    private async Task<PlaceOrderResult> ReplayAsync(Order existing, string requestHash, PricedCart cart, CancellationToken cancellationToken)
    {
        // The cart as it was placed: emptied of the order, or still holding it (not yet taken out).
        var sameCart = cart.Lines.Count == 0
            || (cart.Lines.Count == existing.Lines.Count && cart.Lines.All(l => existing.Lines.Any(o => o.Sku == l.Sku && o.Quantity == l.Quantity)));
        if (existing.RequestHash != requestHash || (!sameCart && existing.Status != OrderStatus.Failed))
            return PlaceOrderResult.Failed(new UserError(KeyReused, "This idempotency key was used for another checkout; use a new key.", ["input", "idempotencyKey"]));

        var deadline = time.GetUtcNow() + ReplayWait;
        var order = existing;
        while (order.Status == OrderStatus.Pending && time.GetUtcNow() < deadline)
        {
            await Task.Delay(50, cancellationToken);
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            order = await LoadAsync(db, existing.Id, cancellationToken);
        }
        // A placement that stood but whose lines never left the cart (Redis failed, or the instance
        // died between its save and that step): its replay takes them out. A missing mark means
        // that only while the mark would still live: an order placed longer ago is left alone.
        // Whatever it stands at now: at the tests' step delay an order ships seconds after it is
        // placed, and a replay of a shipped one left the lines in the cart for good.
        if (TakesOutOfCart(order, time.GetUtcNow()))
            await TakeOutOfCartAsync(order);
        return order.Status switch
        {
            OrderStatus.Pending => PlaceOrderResult.Failed(new UserError(InProgress, "This checkout is still being processed; ask again shortly.", ["input", "idempotencyKey"])),
            OrderStatus.Failed => PlaceOrderResult.Failed(new UserError(order.FailureCode!, order.FailureMessage!, ["input"])),
            OrderStatus.PaymentActionRequired => new PlaceOrderResult(order, new PaymentAction(ThreeDSecure, order.Payment!.ChallengeId!), []),
            _ => new PlaceOrderResult(order, null, []),
        };
    }

    public static async Task<Order> LoadAsync(OrdersDbContext db, string orderId, CancellationToken cancellationToken) =>
        await db.Orders.Include(o => o.Lines.OrderBy(l => l.Position)).Include(o => o.Payment).Include(o => o.Shipments).ThenInclude(s => s.Events)
            .AsSplitQuery().SingleAsync(o => o.Id == orderId, cancellationToken);

    private static Task<Order?> FindAsync(OrdersDbContext db, string userId, string key, CancellationToken cancellationToken) =>
        OrderOperations.WithDetails(db.Orders.AsNoTracking()).SingleOrDefaultAsync(o => o.UserId == userId && o.IdempotencyKey == key, cancellationToken);

    private Order NewOrder(string userId, PlaceOrderInput input, string requestHash, PricedCart cart, ShippingRate rate)
    {
        // As PostgreSQL keeps it (microseconds), so the order answered now reads the same later.
        var now = time.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
        var id = $"ord_{Guid.CreateVersion7(now):N}";
        // Priced as shippingRates quoted it to the shopper.
        var quote = RateQuote.For(cart, input.ShippingAddress.Destination, rate);
        var address = input.ShippingAddress;
        return new Order
        {
            Id = id,
            Number = faults.OrderNumber ?? NewNumber(now),
            UserId = userId,
            IdempotencyKey = input.IdempotencyKey,
            RequestHash = requestHash,
            Status = OrderStatus.Pending,
            CurrencyCode = cart.CurrencyCode,
            Subtotal = Cents(cart.Subtotal),
            Discount = Cents(cart.DiscountAmount),
            Shipping = Cents(rate.Price),
            Tax = Cents(quote.Tax),
            Total = Cents(quote.Total),
            DiscountCode = cart.Discount?.Code,
            ShippingRateId = rate.Id,
            Carrier = rate.Carrier,
            ShippingService = rate.Service,
            ShippingAddress = new ShippingAddress
            {
                Name = address.Name.Trim(), Line1 = address.Line1.Trim(), Line2 = address.Line2?.Trim(), City = address.City.Trim(),
                Region = address.Destination.Region, PostalCode = address.PostalCode.Trim(), Country = address.Destination.Country,
            },
            PlacedAt = now,
            UpdatedAt = now,
            Lines = [.. cart.Lines.Select((l, i) => new OrderLine
            {
                OrderId = id, Position = i + 1, Sku = l.Sku, ProductId = Product(l).Id, Title = $"{Product(l).Name} ({l.Variant.Title})",
                Quantity = l.Quantity, UnitPrice = Cents(l.Variant.Price), Total = Cents(l.LineTotal), CurrencyCode = l.Variant.CurrencyCode,
            })],
            Payment = new Payment
            {
                OrderId = id, Provider = provider.Name, CardToken = input.Payment.CardToken, Status = PaymentStatus.Pending,
                Amount = Cents(quote.Total), CurrencyCode = cart.CurrencyCode, UpdatedAt = now,
            },
        };
    }

    /// <summary>
    /// The number the shopper sees: the day and 48 random bits. At a million orders a day two of
    /// them share a number about once in 18 months; the unique index catches that and a new one is drawn.
    /// </summary>
    private static string NewNumber(DateTimeOffset placedAt) => $"FC-{placedAt:yyMMdd}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6))}";

    /// <summary>
    /// Money with two decimals, as the database returns it ("0.00", not "0"). Every amount given
    /// is in cents already; were one not, it rounds half away from zero as tax, discounts and
    /// refunds do (it rounded half to even, an audit found).
    /// </summary>
    private static decimal Cents(decimal amount) => Money.Cents(amount);

    /// <summary>The line's product, which placement prices the cart with.</summary>
    private static CatalogProduct Product(PricedLine line) =>
        line.Variant.Product ?? throw new InvalidOperationException($"'{line.Sku}' was priced without its product; placement prices with products.");

    private static string Hash(PlaceOrderInput input)
    {
        var a = input.ShippingAddress;
        var text = string.Join('\n', a.Name.Trim(), a.Line1.Trim(), a.Line2?.Trim(), a.City.Trim(), a.Destination.Region, a.PostalCode.Trim(),
            a.Destination.Country, input.ShippingRateId, input.Payment.CardToken);
        // Only when sent, so that keys recorded before the field existed hash as they did; as a
        // number, so that 27.8 and 27.80 are the same request.
        if (input.ExpectedTotal is { } expected)
            text += "\n" + expected.ToString("0.############################", CultureInfo.InvariantCulture);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
