using Federated.Orders.Carts;
using Federated.Orders.Catalog;
using Federated.Orders.Data;
using Federated.Orders.Messaging;
using Federated.Orders.Payments;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace Federated.Orders.Orders;

/// <summary>
/// Gives a failed or cancelled order's money and stock back: the payment is voided (refunded if
/// it was captured) and the reservation released, both idempotent by the order id at the
/// provider and the catalog. Runs inline where a shopper waits for the answer, and always as a
/// durable <see cref="SettleOrder"/> message written with the state change, which retries until
/// both services have answered.
/// </summary>
public sealed class OrderSettlement(IPaymentProvider provider, CatalogClient catalog, CartStore carts, TimeProvider time, ILogger<OrderSettlement> logger)
{
    /// <summary>
    /// Whether the order's lines go back into the cart: it waited for a 3-D Secure answer (the
    /// lines leave the cart when the challenge is given) and the shopper's answer failed it, so
    /// the shopper, who just tried, can try again with another card. So does an order its
    /// customer cancelled while its challenge waited (<see cref="SettleOrder.GiveCartBack"/>):
    /// nothing was paid, and a shopper who gave up on the challenge finds the cart as it was.
    /// A challenge nobody answered expires a quarter of an hour later, by when the shopper may
    /// have bought the same things another way: that cart is left as it is. A paid order that
    /// is cancelled keeps them out.
    /// </summary>
    public static bool GivesCartBack(Order order) =>
        order is { Status: OrderStatus.Failed, FailureCode: OrderPlacement.PaymentDeclined, Payment.ChallengeId: not null };

    /// <summary>
    /// Puts what the order took out of its customer's cart back into it (<see cref="GivesCartBack"/>),
    /// once per order however often asked; the cart's own mark says what that was, so an order
    /// loaded without its lines (a webhook's, a deadline's) does it as well as its settlement.
    /// </summary>
    public static Task GiveCartBackAsync(CartStore carts, Order order) =>
        carts.RestoreOrderedAsync(CartStore.UserCartId(order.UserId), order.Id);

    public async Task SettleAsync(OrdersDbContext db, Order order, CancellationToken cancellationToken, bool giveCartBack = false)
    {
        if (order.Status is not (OrderStatus.Failed or OrderStatus.Cancelled))
            return;
        if (order.Payment!.Status is not (PaymentStatus.Declined or PaymentStatus.Voided or PaymentStatus.Refunded))
        {
            await VoidAsync(order, cancellationToken);
            // Recorded before the catalog is asked: a catalog that cannot be reached left the
            // money given back at the provider and the order read back as still charged (for up
            // to an hour after the outage, between the message's retries).
            await db.SaveChangesAsync(cancellationToken);
        }
        if (!await catalog.ReleaseAsync(order.Id, cancellationToken))
        {
            // A wave took the money and committed the units, then its save was lost (the instance
            // died, the catalog's answer was lost) or its step failed and held the order, and the
            // order was cancelled before a parcel left: the money goes back above, and the units,
            // in parcels cancelled with the order, go back on hand (they stayed out of stock
            // until someone put them back with adjustStock).
            await catalog.RestockAsync(order.Id, cancellationToken);
            logger.LogWarning("Order {OrderId} was cancelled after its units were committed unshipped; they were put back on hand", order.Id);
        }
        await db.SaveChangesAsync(cancellationToken);
        // Last: money and stock are settled and saved whether or not Redis answers; a retry of
        // the message finds them done and only puts the cart back.
        if (giveCartBack || GivesCartBack(order))
            await GiveCartBackAsync(carts, order);
    }

    /// <summary>Gives the order's money back at the provider (void, or refund if captured) and records which; the caller saves.</summary>
    public async Task VoidAsync(Order order, CancellationToken cancellationToken)
    {
        var voided = await provider.VoidAsync(order.Id, cancellationToken);
        order.Payment!.Status = voided.Outcome == ProviderOutcome.Refunded ? PaymentStatus.Refunded : PaymentStatus.Voided;
        // A captured payment comes back whole (a wave took it before the order was held and cancelled).
        if (voided.Outcome == ProviderOutcome.Refunded)
            order.Payment.Refunded = Math.Max(order.Payment.Refunded, voided.Refunded);
        order.Payment.UpdatedAt = time.GetUtcNow();
    }
}

/// <summary>
/// Wolverine handlers: settlement, and the deadline of a 3-D Secure challenge nobody answered.
/// Each opens its own short-lived context and saves through <see cref="OrderOutbox"/> where it
/// sends a message, hence [NonTransactional]: Wolverine's EF Core middleware is for handlers
/// that take a scoped DbContext.
/// </summary>
public static class OrderMessageHandler
{
    public const string Interrupted = "ORDER_INTERRUPTED";
    public const string InterruptedMessage = "The order could not be completed; nothing was charged.";
    public const string ChallengeExpired = "PAYMENT_CHALLENGE_EXPIRED";

    [NonTransactional]
    public static async Task HandleAsync(SettleOrder message, IDbContextFactory<OrdersDbContext> factory, OrderSettlement settlement, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await settlement.SettleAsync(db, await OrderPlacement.LoadAsync(db, message.OrderId, cancellationToken), cancellationToken, message.GiveCartBack);
    }

    /// <summary>A deadline an earlier version wrote with the order: still Pending, it was interrupted (as <see cref="InterruptedPlacements"/> finds it).</summary>
    [NonTransactional]
    public static Task HandleAsync(PlacementDeadline message, IDbContextFactory<OrdersDbContext> factory, OrderOutbox outbox, TimeProvider time, ILogger<OrderSettlement> logger,
        CancellationToken cancellationToken) =>
        ExpireAsync(message.OrderId, OrderStatus.Pending, Interrupted, InterruptedMessage, factory, outbox, time, logger, cancellationToken);

    /// <summary>
    /// Still waiting for the shopper's 3-D Secure answer: refuse it; settling voids and releases.
    /// Unless the shopper answered on the provider's own page in time and its webhook has not
    /// been applied yet (delayed, or refused and sent again): the provider is asked first, and
    /// an answer it has is applied as the webhook would apply it.
    /// </summary>
    [NonTransactional]
    public static async Task HandleAsync(ChallengeDeadline message, IDbContextFactory<OrdersDbContext> factory, IPaymentProvider provider, OrderPlacement placement,
        OrderOutbox outbox, TimeProvider time, ILogger<OrderSettlement> logger, CancellationToken cancellationToken)
    {
        if (await provider.RetrieveAsync(message.OrderId, cancellationToken) is { Outcome: ProviderOutcome.Authorized or ProviderOutcome.Declined } answered)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var order = await db.Orders.Include(o => o.Payment).SingleOrDefaultAsync(o => o.Id == message.OrderId, cancellationToken);
            if (order?.Status == OrderStatus.PaymentActionRequired)
                await placement.ApplyAuthorizationAsync(db, order, answered, cancellationToken);
            return;
        }
        await ExpireAsync(message.OrderId, OrderStatus.PaymentActionRequired, ChallengeExpired, "The payment was not confirmed in time; nothing was charged.",
            factory, outbox, time, logger, cancellationToken);
    }

    /// <summary>
    /// Refuses an order still <paramref name="waiting"/> (left Pending by an interrupted placement,
    /// or waiting for a challenge that expired); settling voids and releases.
    /// </summary>
    public static async Task ExpireAsync(string orderId, OrderStatus waiting, string code, string message, IDbContextFactory<OrdersDbContext> factory,
        OrderOutbox outbox, TimeProvider time, ILogger logger, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.Include(o => o.Payment).SingleOrDefaultAsync(o => o.Id == orderId, cancellationToken);
        if (order?.Status != waiting)
            return;
        // Claimed under the row version: if the order moved on meanwhile, this throws and the
        // retry finds it no longer waiting.
        order.Fail(code, message);
        order.UpdatedAt = time.GetUtcNow();
        await OrderPlacement.GiveBackDiscountAsync(db, order, cancellationToken);
        await outbox.SaveAsync(db, new SettleOrder(order.Id), null, cancellationToken);
        logger.LogInformation("Order {OrderId} expired while {Status}: {Code}", orderId, waiting, code);
    }
}
