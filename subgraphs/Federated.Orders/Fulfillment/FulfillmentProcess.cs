using System.Security.Cryptography;
using Federated.Orders.Catalog;
using Federated.Orders.Data;
using Federated.Orders.Orders;
using Federated.Orders.Payments;
using Federated.Orders.Messaging;
using Microsoft.EntityFrameworkCore;
using Wolverine.Attributes;

namespace Federated.Orders.Fulfillment;

/// <summary>Move a paid order one step on: packed, shipped or delivered.</summary>
public sealed record AdvanceFulfillment(string OrderId);

/// <summary>
/// Moves paid orders through the warehouse and the carrier, one step each
/// <c>Orders:Fulfillment:StepDelay</c> (the demo's stand-in for pickers, packers and trucks):
/// PAID → FULFILLING (one parcel per fulfillment center holding the order's units, picked and
/// packed) → SHIPPED (the held units leave stock in the catalog, the payment is captured,
/// parcels get tracking numbers) → DELIVERED. Each step is a scheduled
/// <see cref="AdvanceFulfillment"/> message, written in the same transaction as the step
/// before it (or as the payment that made the order PAID), so a restart loses no order and
/// repeats nothing: every external call is idempotent by the order id and every step is saved
/// under the order's row version, so a cancellation in between wins or loses cleanly. Orders on
/// hold wait for review. Off with <c>Orders:Fulfillment:Enabled=false</c>.
/// </summary>
public sealed class FulfillmentProcess(IServiceProvider services, IConfiguration configuration, TimeProvider time)
{
    public bool Enabled { get; } = configuration.GetValue("Orders:Fulfillment:Enabled", true);

    public TimeSpan StepDelay { get; } = configuration.GetValue("Orders:Fulfillment:StepDelay", TimeSpan.FromSeconds(30));

    /// <summary>The first step's message, for an order that just became PAID; null when fulfillment is off.</summary>
    public object? Start(Order order) => Enabled ? new AdvanceFulfillment(order.Id) : null;

    public async Task AdvanceAsync(Order order, CancellationToken cancellationToken)
    {
        await (order.Status switch
        {
            OrderStatus.Paid => PackAsync(order, cancellationToken),
            OrderStatus.Fulfilling => ShipAsync(order, cancellationToken),
            _ => DeliverAsync(order),
        });
        order.UpdatedAt = time.GetUtcNow();
    }

    /// <summary>One parcel per center that holds units of the order.</summary>
    private async Task PackAsync(Order order, CancellationToken cancellationToken)
    {
        // As the reservation answered at placement; an order placed before that was recorded asks the catalog.
        IReadOnlyList<(string Sku, string Center, int Quantity)> held = order.Allocation is { Count: > 0 }
            ? [.. order.Allocation.Select(a => (a.Sku, a.FulfillmentCenter, a.Quantity))]
            : await services.GetRequiredService<CatalogClient>().ReservationAsync(order.Id, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var center in held.Select(h => h.Center).Distinct().Order(StringComparer.Ordinal))
        {
            var shipment = new Shipment
            {
                Id = $"shp_{Guid.CreateVersion7(now):N}",
                OrderId = order.Id,
                FulfillmentCenter = center,
                Carrier = order.Carrier,
                Service = order.ShippingService,
                Status = ShipmentStatus.Packed,
                CreatedAt = now,
            };
            var units = held.Where(h => h.Center == center).Sum(h => h.Quantity);
            AddEvent(shipment, ShipmentStatus.Packed, $"Picked and packed: {units} unit(s)", center, now);
            order.Shipments.Add(shipment);
        }
        order.Status = OrderStatus.Fulfilling;
    }

    /// <summary>The units leave stock, the payment is captured, the parcels go out with tracking numbers.</summary>
    private async Task ShipAsync(Order order, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<CatalogClient>().CommitAsync(order.Id, cancellationToken);
        var captured = await services.GetRequiredService<IPaymentProvider>().CaptureAsync(order.Id, cancellationToken);
        if (captured.Outcome == ProviderOutcome.Captured)
            order.Payment!.Status = PaymentStatus.Captured;
        var now = time.GetUtcNow();
        foreach (var shipment in order.Shipments.Where(s => s.Status == ShipmentStatus.Packed))
        {
            shipment.TrackingNumber = TrackingNumber(shipment.Carrier);
            shipment.Status = ShipmentStatus.InTransit;
            AddEvent(shipment, ShipmentStatus.InTransit, $"Handed to {shipment.Carrier} {shipment.Service}", shipment.FulfillmentCenter, now);
        }
        order.Status = OrderStatus.Shipped;
    }

    private Task DeliverAsync(Order order)
    {
        var now = time.GetUtcNow();
        foreach (var shipment in order.Shipments.Where(s => s.Status == ShipmentStatus.InTransit))
        {
            shipment.Status = ShipmentStatus.Delivered;
            AddEvent(shipment, ShipmentStatus.Delivered, "Delivered", $"{order.ShippingAddress.City}, {order.ShippingAddress.Country}", now);
        }
        order.Status = OrderStatus.Delivered;
        return Task.CompletedTask;
    }

    private static void AddEvent(Shipment shipment, ShipmentStatus status, string description, string location, DateTimeOffset at) =>
        shipment.Events.Add(new ShipmentEvent
        {
            ShipmentId = shipment.Id, Sequence = shipment.Events.Count + 1, Status = status, Description = description, Location = location, OccurredAt = at,
        });

    /// <summary>A tracking number in the carrier's usual shape.</summary>
    private static string TrackingNumber(string carrier)
    {
        var digits = string.Concat(RandomNumberGenerator.GetBytes(12).Select(b => (char)('0' + b % 10)));
        return carrier switch
        {
            "UPS" => $"1Z{digits[..16]}",
            "USPS" => $"9400{digits}{digits[..6]}",
            "DHL" => digits[..10],
            _ => digits,
        };
    }
}

public static class AdvanceFulfillmentHandler
{
    [NonTransactional]
    public static async Task HandleAsync(AdvanceFulfillment message, IDbContextFactory<OrdersDbContext> factory, FulfillmentProcess fulfillment, OrderOutbox outbox,
        ILogger<FulfillmentProcess> logger, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // One query, not three: an order has one payment, a parcel per center and a few events
        // per parcel, so the joined rows stay a handful.
        var order = await db.Orders.Include(o => o.Payment).Include(o => o.Shipments).ThenInclude(s => s.Events).AsSingleQuery()
            .SingleOrDefaultAsync(o => o.Id == message.OrderId, cancellationToken);
        // Cancelled, on hold, delivered, or a repeat of a step already taken.
        if (order?.Status is not (OrderStatus.Paid or OrderStatus.Fulfilling or OrderStatus.Shipped))
            return;
        await fulfillment.AdvanceAsync(order, cancellationToken);
        // A row changed meanwhile (a cancellation) throws here, and the retry finds where the order stands.
        await outbox.SaveAsync(db, order.Status == OrderStatus.Delivered ? null : new AdvanceFulfillment(order.Id), fulfillment.StepDelay, cancellationToken);
        logger.LogInformation("Order {OrderId} is now {Status}", order.Id, order.Status);
    }
}
