using Federated.Kit.Hosting;
using Federated.Orders.Carts;
using Federated.Orders.Data;
using Federated.Orders.Orders;
using Npgsql;

namespace Federated.Orders.Payments;

public enum FraudVerdict { Accept, Hold, Decline }

/// <summary>
/// The customer's recent orders, read as an order is recorded: what the velocity rules count,
/// and (for placement, not the rules) the ids of those that stand, placed within
/// <see cref="CartStore.ReplayTakesOutWithin"/>, whose lines should have left the cart.
/// </summary>
public sealed record FraudVelocity(int CardOrders, int CustomerOrders)
{
    public IReadOnlyList<string> RecentlyStanding { get; init; } = [];
}

public sealed record FraudDecision(FraudVerdict Verdict, string? Reason)
{
    public static readonly FraudDecision Accept = new(FraudVerdict.Accept, null);
}

/// <summary>
/// Rules run before the card is charged, in order: an amount over the hard limit is declined;
/// a customer using one card for many orders in an hour is declined (card testing); a customer placing
/// many orders in a short time, a large amount, or a card from another country than the
/// shipping address puts the order on hold for review (it is charged but not shipped until
/// released). The reason is recorded on the order.
/// </summary>
public sealed class FraudRules(IPaymentProvider provider, TimeProvider time)
{
    public const decimal DeclineAbove = 10_000m;
    public const decimal HoldAbove = 2_500m;
    public const int CardOrdersPerHour = 10;
    public const int CustomerOrdersPer10Minutes = 5;

    /// <summary>
    /// The customer's orders of the last hour other than <paramref name="order"/>: how many paid
    /// (or tried to) with this card, refused ones included, and how many of the last ten minutes
    /// stand. A card was tried when the provider answered (its reference is recorded, whatever
    /// the answer) or did not answer in time; orders refused before the card was sent (a price
    /// changed, a code no longer applying, the catalog unreachable, the placement interrupted)
    /// are no card test, though their payment is voided by their settlement all the same. One
    /// row of two counts, and the ids of the orders of the last
    /// <see cref="CartStore.ReplayTakesOutWithin"/> that stand (see <see cref="FraudVelocity"/>),
    /// read with the order's insert (<see cref="PlacementWrites"/>).
    /// </summary>
    public NpgsqlBatchCommand VelocityQuery(Order order, string cardToken)
    {
        var now = time.GetUtcNow();
        return Positional.Statement(
            """
            select (count(*) filter (where p."CardToken" = $2 and (p."ProviderReference" is not null or o."FailureCode" = $6)))::integer,
                   (count(*) filter (where o."PlacedAt" > $4 and o."Status" <> 'Failed'))::integer,
                   coalesce(array_agg(o."Id") filter (where o."PlacedAt" > $7 and o."Status" not in ('Pending', 'Failed', 'Cancelled')), '{}')
            from orders.orders o left join orders.payments p on p."OrderId" = o."Id"
            where o."UserId" = $1 and o."PlacedAt" > $3 and o."Id" <> $5
            """,
            order.UserId, cardToken, now.AddHours(-1), now.AddMinutes(-10), order.Id, OrderPlacement.PaymentTimeout, now - CartStore.ReplayTakesOutWithin);
    }

    /// <summary>The rules, in order, given the customer's recent orders.</summary>
    public FraudDecision Decide(Order order, string cardToken, FraudVelocity velocity)
    {
        if (order.Total > DeclineAbove)
            return new(FraudVerdict.Decline, $"amount_over_limit: {order.Total:0.00} > {DeclineAbove:0.00}");
        var (cardOrders, customerOrders) = velocity;
        if (cardOrders >= CardOrdersPerHour)
            return new(FraudVerdict.Decline, $"card_velocity: {cardOrders} orders with this card in an hour");
        if (customerOrders >= CustomerOrdersPer10Minutes)
            return new(FraudVerdict.Hold, $"customer_velocity: {customerOrders} orders in 10 minutes");
        if (order.Total > HoldAbove)
            return new(FraudVerdict.Hold, $"large_amount: {order.Total:0.00} > {HoldAbove:0.00}");
        if (provider.CardCountry(cardToken) is { } country && country != order.ShippingAddress.Country)
            return new(FraudVerdict.Hold, $"country_mismatch: card {country}, shipping {order.ShippingAddress.Country}");
        return FraudDecision.Accept;
    }
}
