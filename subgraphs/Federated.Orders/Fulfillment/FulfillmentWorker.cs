using System.Security.Cryptography;
using Federated.Orders.Catalog;
using Federated.Orders.Data;
using Federated.Orders.Orders;
using Federated.Orders.Payments;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Fulfillment;

/// <summary>
/// Moves paid orders through the warehouse and the carrier, one step each time an order has
/// waited <c>Orders:Fulfillment:StepDelay</c> (the demo's stand-in for pickers, packers and
/// trucks): PAID → FULFILLING (one parcel per fulfillment center holding the order's units,
/// picked and packed) → SHIPPED (the held units leave stock in the catalog, the payment is
/// captured, parcels get tracking numbers) → DELIVERED. Every external call is idempotent by
/// the order id and every step is saved under the order's row version, so a crash or a
/// second instance repeats nothing, and a cancellation in between wins or loses cleanly.
/// Orders on hold wait for review and are not moved. Off with <c>Orders:Fulfillment:Enabled=false</c>.
/// </summary>
public sealed class FulfillmentWorker(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<FulfillmentWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Orders:Fulfillment:Enabled", true))
            return;
        var stepDelay = configuration.GetValue("Orders:Fulfillment:StepDelay", TimeSpan.FromSeconds(30));
        using var timer = new PeriodicTimer(configuration.GetValue("Orders:Fulfillment:Interval", TimeSpan.FromSeconds(2)), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await AdvanceAsync(stepDelay, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Fulfillment step failed; retrying");
            }
        }
    }

    public async Task AdvanceAsync(TimeSpan stepDelay, CancellationToken cancellationToken)
    {
        var factory = services.GetRequiredService<IDbContextFactory<OrdersDbContext>>();
        var before = time.GetUtcNow() - stepDelay;
        List<string> due;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            due = await db.Orders
                .Where(o => (o.Status == OrderStatus.Paid || o.Status == OrderStatus.Fulfilling || o.Status == OrderStatus.Shipped) && o.UpdatedAt < before)
                .OrderBy(o => o.UpdatedAt).Select(o => o.Id).Take(50).ToListAsync(cancellationToken);
        }
        foreach (var orderId in due)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var order = await db.Orders.Include(o => o.Payment).Include(o => o.Shipments).ThenInclude(s => s.Events)
                .SingleAsync(o => o.Id == orderId, cancellationToken);
            try
            {
                await (order.Status switch
                {
                    OrderStatus.Paid => PackAsync(order, cancellationToken),
                    OrderStatus.Fulfilling => ShipAsync(order, cancellationToken),
                    _ => DeliverAsync(order),
                });
                order.UpdatedAt = time.GetUtcNow();
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Order {OrderId} is now {Status}", order.Id, order.Status);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Cancelled (or moved by another instance) meanwhile.
            }
        }
    }

    /// <summary>One parcel per center that holds units of the order.</summary>
    private async Task PackAsync(Order order, CancellationToken cancellationToken)
    {
        var held = await services.GetRequiredService<CatalogClient>().ReservationAsync(order.Id, cancellationToken);
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
