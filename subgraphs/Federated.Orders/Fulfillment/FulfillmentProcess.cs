using System.Collections.Concurrent;
using System.Security.Cryptography;
using Federated.Orders.Catalog;
using Federated.Orders.Data;
using Federated.Orders.Orders;
using Federated.Orders.Payments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using Wolverine.Attributes;

namespace Federated.Orders.Fulfillment;

/// <summary>
/// Written by versions before fulfillment ran in waves, one per order and step. The wave finds
/// every order due for a step by its status and the time it last changed, so such a message
/// carries nothing the wave needs; it is still handled so that an upgraded database's
/// scheduled messages are taken off the queue instead of dead-lettered.
/// </summary>
public sealed record AdvanceFulfillment(string OrderId);

/// <summary>
/// Moves paid orders through the warehouse and the carrier in waves, as warehouses work: every
/// <c>Orders:Fulfillment:WaveInterval</c> the orders that have waited
/// <c>Orders:Fulfillment:StepDelay</c> (the demo's stand-in for pickers, packers and trucks)
/// since they last changed take their next step together: PAID → FULFILLING (one parcel per
/// fulfillment center holding the order's units, picked and packed) → SHIPPED (the payment is
/// captured, then the held units leave stock in the catalog, parcels get tracking numbers) →
/// DELIVERED. A wave is one transaction: it claims up to <c>Orders:Fulfillment:WaveSize</c>
/// due orders with <c>for update skip locked</c> (instances taking waves at once never share an
/// order, and a cancellation waits for the wave and then finds the order moved on), makes the
/// catalog and payment calls, at most <c>Orders:Fulfillment:Parallelism</c> at once, and saves
/// every order's step in one commit: a statement per kind of change for the whole wave (the
/// orders' statuses, new parcels, changed parcels, their events, captured payments), not a
/// statement per order and row. The order rows are the durable record: a crash mid-wave
/// rolls the wave back, and the next wave repeats its calls, which are idempotent by order id.
/// An order whose call fails waits one more step delay and is tried again; the rest of the
/// wave goes on. An order whose stock the catalog refuses to commit (its reservation released
/// or never made) is not shipped, since its units may be sold to someone else: it goes ON_HOLD
/// with the reason (<c>stock_not_held</c>), its parcels packed and its payment captured (taken
/// first), for an administrator to cancel (the payment refunded) or to release (back to
/// FULFILLING: the next wave asks the catalog again). Nothing ships without the money: an order whose payment was given
/// back at the provider, or whose capture the provider refuses, is held (<c>payment_not_held</c>).
/// An order whose step the database refuses to store (one of its values) is held
/// (<c>step_not_saved</c>) rather than rolling back its wave's other orders wave after wave.
/// Orders on hold wait for review. Off with <c>Orders:Fulfillment:Enabled=false</c>.
/// </summary>
public sealed class FulfillmentProcess(IDbContextFactory<OrdersDbContext> factory, IServiceProvider services, FaultInjection faults, IConfiguration configuration,
    TimeProvider time, ILogger<FulfillmentProcess> logger)
{
    private static readonly string[] InFulfillment = [nameof(OrderStatus.Paid), nameof(OrderStatus.Fulfilling), nameof(OrderStatus.Shipped)];

    private readonly int _parallelism = Math.Max(1, configuration.GetValue("Orders:Fulfillment:Parallelism", 32));

    public bool Enabled { get; } = configuration.GetValue("Orders:Fulfillment:Enabled", true);

    public TimeSpan StepDelay { get; } = configuration.GetValue("Orders:Fulfillment:StepDelay", TimeSpan.FromSeconds(30));

    public TimeSpan WaveInterval { get; } = configuration.GetValue("Orders:Fulfillment:WaveInterval", TimeSpan.FromSeconds(1));

    public int WaveSize { get; } = Math.Max(1, configuration.GetValue("Orders:Fulfillment:WaveSize", 500));

    public int ConcurrentWaves { get; } = Math.Max(1, configuration.GetValue("Orders:Fulfillment:ConcurrentWaves", 2));

    /// <summary>Takes one wave: every due order (up to <see cref="WaveSize"/>) one step on. Returns how many orders it claimed.</summary>
    public async Task<int> TakeWaveAsync(CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var cutoff = time.GetUtcNow() - StepDelay;
        // Oldest first; rows another instance's wave holds are skipped, not waited for. The
        // fulfillment queue, by its index on the time of the last change, gives the orders due
        // (OrdersDbContext.FulfillmentQueueTable); the order's own status and time are checked
        // again on the row as locked, which another wave may have moved on meanwhile.
        var claimed = await db.Database.SqlQuery<string>($"""
            select o."Id" as "Value" from orders.fulfillment_queue q join orders.orders o on o."Id" = q.order_id
            where q.updated_at <= {cutoff} and o."Status" = any({InFulfillment}) and o."UpdatedAt" <= {cutoff}
            order by q.updated_at limit {WaveSize} for update of o skip locked
            """).ToListAsync(cancellationToken);
        if (claimed.Count == 0)
            return 0;
        // One query: an order has one payment, a parcel per center and a few events per parcel.
        // Not tracked: the wave writes its changes itself (WaveChanges), the rows being locked.
        var orders = await db.Orders.AsNoTracking().Include(o => o.Payment).Include(o => o.Shipments).ThenInclude(s => s.Events).AsSingleQuery()
            .Where(o => claimed.Contains(o.Id)).ToListAsync(cancellationToken);

        // An order whose payment was given back (voided or refunded at the provider, as its webhook
        // recorded) is not packed or shipped: held before the catalog or the provider is asked.
        var calls = await CallOutAsync([.. orders.Where(o => !Unpaid(o))], cancellationToken);
        if (!calls.Captured.IsEmpty)
            await faults.PauseAfterAsync(FaultInjection.AfterCapture, orders.Where(o => calls.Captured.ContainsKey(o.Id)).Select(o => o.UserId));
        var changes = new WaveChanges(time.GetUtcNow());
        List<WaveStep> steps = [.. orders.Select(order => StepOrHold(order, calls, changes, faults.TrackingNumberFor(order.UserId)))];
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        var npgsqlTransaction = (NpgsqlTransaction)transaction.GetDbTransaction();
        try
        {
            await SaveAsync(changes, connection, npgsqlTransaction, cancellationToken);
        }
        catch (PostgresException refused) when (IsRefusedValue(refused))
        {
            // A value the database will not store (one order's data) must not hold up the wave's
            // other orders, wave after wave: each order's step is written on its own, and one the
            // database refuses is held for review with its reason. A tracking number another
            // parcel already has is refused too: written alone, each order's parcels draw new ones.
            await npgsqlTransaction.RollbackAsync(Savepoint, cancellationToken);
            logger.LogWarning(refused, "A fulfillment wave's changes were refused ({SqlState}); writing its {Orders} orders one by one", refused.SqlState, orders.Count);
            steps.Clear();
            foreach (var order in orders)
                steps.Add(await StepAloneAsync(order, calls, changes.Now, connection, npgsqlTransaction, cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Fulfillment wave: {Orders} orders moved on, {Retried} to try again, {Held} held, in {Elapsed:N0} ms",
            steps.Count(s => s == WaveStep.Moved), steps.Count(s => s == WaveStep.Retried), steps.Count(s => s == WaveStep.Held),
            time.GetElapsedTime(started).TotalMilliseconds);
        return claimed.Count;
    }

    private enum WaveStep { Moved, Retried, Held }

    private const string Savepoint = "wave_step";

    /// <summary>Data exceptions (a value too long, out of range) and integrity violations: the same write is refused every time.</summary>
    private static bool IsRefusedValue(PostgresException ex) => ex.SqlState.StartsWith("22", StringComparison.Ordinal) || ex.SqlState.StartsWith("23", StringComparison.Ordinal);

    /// <summary>Writes <paramref name="changes"/> after a savepoint, in one round trip, so that a refusal can be rolled back to it.</summary>
    private static async Task SaveAsync(WaveChanges changes, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var save = changes.Batch(connection, transaction);
        if (save.BatchCommands.Count == 0)
            return;
        save.BatchCommands.Insert(0, new NpgsqlBatchCommand($"savepoint {Savepoint}"));
        await save.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>One order's step written on its own; if the database refuses it, the order is held for review instead.</summary>
    private async Task<WaveStep> StepAloneAsync(Order order, Calls calls, DateTimeOffset now,
        NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        var own = new WaveChanges(now);
        var step = StepOrHold(order, calls, own, trackingNumber: null);
        try
        {
            await SaveAsync(own, connection, transaction, cancellationToken);
            return step;
        }
        catch (PostgresException refused) when (IsRefusedValue(refused))
        {
            await transaction.RollbackAsync(Savepoint, cancellationToken);
            logger.LogError(refused, "Order {OrderId} is held for review: its {Status} step could not be saved", order.Id, order.Status);
            var hold = new WaveChanges(now);
            hold.Hold(order.Id, $"{StepNotSaved}: {refused.SqlState} {refused.MessageText}");
            await SaveAsync(hold, connection, transaction, cancellationToken);
            return WaveStep.Held;
        }
    }

    /// <summary>
    /// <see cref="Step"/>, for one order: what it changes joins the wave's only once the whole
    /// step is gathered. A step that throws (a defect one order's data meets) holds that order for
    /// review instead of failing the wave, which would roll back every order claimed with it, and
    /// claim them all again, wave after wave.
    /// </summary>
    private WaveStep StepOrHold(Order order, Calls calls, WaveChanges changes, string? trackingNumber)
    {
        var own = new WaveChanges(changes.Now);
        try
        {
            faults.FailStep(order.UserId);
            var step = Step(order, calls, own, trackingNumber);
            changes.Add(own);
            return step;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Order {OrderId} is held for review: its {Status} step failed", order.Id, order.Status);
            // The reason is shown to the customer too: what failed is in the log, not here.
            changes.Hold(order.Id, $"{StepFailed}: its {order.Status.ToString().ToLowerInvariant()} step could not be taken; the service's log says why");
            return WaveStep.Held;
        }
    }

    /// <summary>
    /// Gathers <paramref name="order"/>'s step into <paramref name="changes"/>, from what the wave's
    /// calls answered: packed, shipped or delivered; tried again later; or held for review.
    /// Parcels that ship take <paramref name="trackingNumber"/> if given (fault injection), else a new random one.
    /// </summary>
    private WaveStep Step(Order order, Calls calls, WaveChanges changes, string? trackingNumber)
    {
        if (Unpaid(order))
        {
            logger.LogWarning("Order {OrderId} is held for review: its payment is {Payment}", order.Id, order.Payment!.Status);
            changes.Hold(order.Id, PaymentGivenBack(order.Payment!));
            return WaveStep.Held;
        }
        if (calls.Refused.TryGetValue(order.Id, out var code))
        {
            // Its money was taken first (the commit is asked only then): recorded, so that a
            // cancellation gives it back as a refund.
            logger.LogWarning("Order {OrderId} is held for review: the catalog refused to commit its stock ({Code})", order.Id, code);
            changes.Hold(order.Id, $"{StockNotHeld}: the catalog refused to ship its units ({code})");
            changes.Captured(order.Id);
            return WaveStep.Held;
        }
        if (calls.Failed.TryGetValue(order.Id, out var failure))
        {
            // Tried again a step delay from now; the rows behind it in the queue are not held up.
            logger.LogWarning(failure, "Order {OrderId} could not leave {Status} in this wave; trying again in {Delay}", order.Id, order.Status, StepDelay);
            changes.Order(order.Id, order.Status);
            return WaveStep.Retried;
        }
        switch (order.Status)
        {
            case OrderStatus.Paid:
                Pack(order, order.Allocation is { Count: > 0 } ? [.. order.Allocation.Select(a => (a.Sku, a.FulfillmentCenter, a.Quantity))] : calls.Held[order.Id], changes);
                break;
            case OrderStatus.Fulfilling when calls.Captured[order.Id] is { Outcome: not ProviderOutcome.Captured } refused:
                // Given back at the provider since the wave loaded it: without the money the
                // parcels do not go out, and its units, not committed, stay held for it.
                logger.LogWarning("Order {OrderId} is held for review: the provider answered its capture {Outcome}", order.Id, refused.Outcome);
                changes.Hold(order.Id, $"{PaymentNotHeld}: the provider answered the capture {refused.Outcome.ToString().ToLowerInvariant()}"
                    + (refused.DeclineReason is { } why ? $" ({why})" : ""));
                return WaveStep.Held;
            case OrderStatus.Fulfilling when calls.Captured[order.Id] is { Refunded: > 0 } partly:
                // Captured, and part of it refunded at the provider since (its webhook not yet
                // applied): held as the webhook would hold it, the capture and the refund recorded.
                logger.LogWarning("Order {OrderId} is held for review: {Refunded} of its payment was refunded at the provider", order.Id, partly.Refunded);
                changes.Hold(order.Id, $"{PaymentNotHeld}: {partly.Refunded:0.00} of the payment was refunded at the provider");
                changes.Captured(order.Id, partly.Refunded);
                return WaveStep.Held;
            case OrderStatus.Fulfilling:
                Ship(order, changes, trackingNumber);
                break;
            default:
                Deliver(order, changes);
                break;
        }
        return WaveStep.Moved;
    }

    /// <summary>The hold reason's code for an order whose payment is no longer authorized or captured: it is not shipped.</summary>
    public const string PaymentNotHeld = "payment_not_held";

    /// <summary>
    /// Whether the payment no longer holds the order's money: neither authorized nor captured, or
    /// partly refunded at the provider (before delivery only the provider's dashboard refunds).
    /// </summary>
    public static bool MoneyNotHeld(Payment payment) =>
        payment.Status is not (PaymentStatus.Authorized or PaymentStatus.Captured) || payment.Refunded > 0;

    /// <summary>The hold reason of an order whose payment was given back at the provider: voided, refunded, or part of it refunded.</summary>
    public static string PaymentGivenBack(Payment payment) => payment.Status is PaymentStatus.Authorized or PaymentStatus.Captured
        ? $"{PaymentNotHeld}: {payment.Refunded:0.00} of the payment was refunded at the provider"
        : $"{PaymentNotHeld}: the payment was {payment.Status.ToString().ToLowerInvariant()} at the provider";

    /// <summary>
    /// An order not yet shipped whose payment (as the store recorded it, e.g. from a webhook) no
    /// longer holds its money (<see cref="MoneyNotHeld"/>): held before the catalog or the provider is asked.
    /// </summary>
    private static bool Unpaid(Order order) => order.Status != OrderStatus.Shipped && MoneyNotHeld(order.Payment!);

    /// <summary>The hold reason's code for an order whose step the database refused to save (one of its values).</summary>
    public const string StepNotSaved = "step_not_saved";

    /// <summary>The hold reason's code for an order whose step threw (a defect): held, not shipped, until reviewed.</summary>
    public const string StepFailed = "step_failed";

    /// <summary>The hold reason's code for an order whose stock the catalog would not commit.</summary>
    public const string StockNotHeld = "stock_not_held";

    /// <param name="Refused">Orders the catalog refused to commit, with its answer's code: held for review, not tried again.</param>
    /// <param name="Failed">Orders whose calls failed: tried again a step delay later.</param>
    private sealed record Calls(
        ConcurrentDictionary<string, IReadOnlyList<(string Sku, string Center, int Quantity)>> Held,
        ConcurrentDictionary<string, ProviderResult> Captured,
        ConcurrentDictionary<string, string> Refused,
        ConcurrentDictionary<string, Exception> Failed);

    /// <summary>
    /// What the wave's steps need from other services: for the orders shipping, their payments
    /// captured, then the units of those captured committed in the catalog (one call for the
    /// wave); for an order placed before its allocation was recorded, where the catalog holds its
    /// units (for packing). The money comes first because it can be given back: an order that
    /// goes no further (its capture refused, its commit refused or failed, then cancelled) has a
    /// captured payment refunded by its settlement, where units committed would have left stock
    /// for good, out of the store's reach.
    /// </summary>
    private async Task<Calls> CallOutAsync(IReadOnlyList<Order> orders, CancellationToken cancellationToken)
    {
        var calls = new Calls(new(), new(), new(), new());
        var catalog = services.GetRequiredService<CatalogClient>();
        var provider = services.GetRequiredService<IPaymentProvider>();
        var needing = orders.Where(o => o.Status == OrderStatus.Fulfilling || o.Status == OrderStatus.Paid && o.Allocation.Count == 0);
        await Parallel.ForEachAsync(needing, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken }, async (order, ct) =>
        {
            try
            {
                if (order.Status == OrderStatus.Paid)
                    calls.Held[order.Id] = await catalog.ReservationAsync(order.Id, ct);
                else
                    calls.Captured[order.Id] = await provider.CaptureAsync(order.Id, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                calls.Failed[order.Id] = ex;
            }
        });
        // Only an order whose money is all captured ships: part of it refunded at the provider
        // holds it (in its step), with its units held, not committed.
        List<string> shipping = [.. orders.Where(o => calls.Captured.TryGetValue(o.Id, out var captured) && captured is { Outcome: ProviderOutcome.Captured, Refunded: 0 }).Select(o => o.Id)];
        if (shipping.Count > 0)
        {
            try
            {
                foreach (var (orderId, code) in await catalog.CommitAsync(shipping, cancellationToken))
                    calls.Refused[orderId] = code;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                foreach (var orderId in shipping)
                    calls.Failed[orderId] = ex;
            }
        }
        return calls;
    }

    /// <summary>One parcel per center that holds units of the order.</summary>
    private static void Pack(Order order, IReadOnlyList<(string Sku, string Center, int Quantity)> held, WaveChanges changes)
    {
        foreach (var center in held.Select(h => h.Center).Distinct().Order(StringComparer.Ordinal))
        {
            var shipment = new Shipment
            {
                Id = $"shp_{Guid.CreateVersion7(changes.Now):N}",
                OrderId = order.Id,
                FulfillmentCenter = center,
                Carrier = order.Carrier,
                Service = order.ShippingService,
                Status = ShipmentStatus.Packed,
                CreatedAt = changes.Now,
            };
            changes.NewShipment(shipment);
            var units = held.Where(h => h.Center == center).Sum(h => h.Quantity);
            changes.Event(shipment, ShipmentStatus.Packed, $"Picked and packed: {units} unit(s)", center);
        }
        changes.Order(order.Id, OrderStatus.Fulfilling);
    }

    /// <summary>The units have left stock and the payment is captured: the parcels go out with tracking numbers.</summary>
    private static void Ship(Order order, WaveChanges changes, string? trackingNumber)
    {
        if (order.Payment!.Status != PaymentStatus.Captured)
            changes.Captured(order.Id);
        foreach (var shipment in order.Shipments.Where(s => s.Status == ShipmentStatus.Packed))
        {
            changes.Shipment(shipment, ShipmentStatus.InTransit, trackingNumber ?? TrackingNumber(shipment.Carrier));
            changes.Event(shipment, ShipmentStatus.InTransit, $"Handed to {shipment.Carrier} {shipment.Service}", shipment.FulfillmentCenter);
        }
        changes.Order(order.Id, OrderStatus.Shipped);
    }

    private static void Deliver(Order order, WaveChanges changes)
    {
        foreach (var shipment in order.Shipments.Where(s => s.Status == ShipmentStatus.InTransit))
        {
            changes.Shipment(shipment, ShipmentStatus.Delivered, shipment.TrackingNumber);
            changes.Event(shipment, ShipmentStatus.Delivered, "Delivered", $"{order.ShippingAddress.City}, {order.ShippingAddress.Country}");
        }
        changes.Order(order.Id, OrderStatus.Delivered);
    }

    /// <summary>
    /// A tracking number in the carrier's usual shape, with at least 16 random digits, so two
    /// parcels sharing one is about as likely as a collision of 53-bit random ids; the unique
    /// index on shipments' tracking numbers refuses the rare repeat, and the parcel draws again.
    /// </summary>
    public static string TrackingNumber(string carrier) => carrier switch
    {
        "UPS" => $"1Z{Digits(16)}",
        "USPS" => $"9400{Digits(18)}",
        "DHL" => $"JJD{Digits(18)}",
        "FedEx" => $"96{Digits(20)}",
        _ => Digits(20),
    };

    private static string Digits(int count) => string.Create(count, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++)
            span[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
    });
}

public static class AdvanceFulfillmentHandler
{
    /// <summary>Nothing to do: the order's next step is taken by the wave that finds it due (see <see cref="AdvanceFulfillment"/>).</summary>
    [NonTransactional]
    public static void Handle(AdvanceFulfillment message, ILogger<FulfillmentProcess> logger) =>
        logger.LogDebug("A fulfillment message for order {OrderId} from an earlier version; its wave takes the step", message.OrderId);
}
