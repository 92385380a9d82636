using Federated.Orders.Data;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Payments;

public enum FraudVerdict { Accept, Hold, Decline }

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

    public async Task<FraudDecision> CheckAsync(OrdersDbContext db, Order order, string cardToken, CancellationToken cancellationToken)
    {
        if (order.Total > DeclineAbove)
            return new(FraudVerdict.Decline, $"amount_over_limit: {order.Total:0.00} > {DeclineAbove:0.00}");
        var now = time.GetUtcNow();
        var hourAgo = now.AddHours(-1);
        var tenMinutesAgo = now.AddMinutes(-10);
        // Both velocities in one query over the customer's last hour.
        var velocity = await db.Orders
            .Where(o => o.UserId == order.UserId && o.PlacedAt > hourAgo && o.Id != order.Id)
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Card = g.Count(o => o.Payment != null && o.Payment.CardToken == cardToken),
                Customer = g.Count(o => o.PlacedAt > tenMinutesAgo && o.Status != OrderStatus.Failed),
            })
            .SingleOrDefaultAsync(cancellationToken);
        var (cardOrders, customerOrders) = velocity is null ? (0, 0) : (velocity.Card, velocity.Customer);
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
