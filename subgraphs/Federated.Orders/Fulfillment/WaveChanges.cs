using Federated.Kit.Hosting;
using Federated.Orders.Data;
using Npgsql;

namespace Federated.Orders.Fulfillment;

/// <summary>
/// What a fulfillment wave changes, gathered as it goes and written as one batch in the wave's
/// transaction: one statement per kind of change for the whole wave, each taking its rows as
/// arrays, instead of a statement per order and row. The wave holds its orders' rows locked
/// from its claim to its commit, so nothing else changes them meanwhile and no version check
/// is needed. Statuses are written as the EF Core model stores them (the enum's name).
/// </summary>
public sealed class WaveChanges(DateTimeOffset now)
{
    private readonly List<(string Id, string Status, string? HoldReason)> _orders = [];
    private readonly List<Shipment> _newShipments = [];
    private readonly List<(string Id, string Status, string? TrackingNumber)> _shipments = [];
    private readonly List<ShipmentEvent> _events = [];
    private readonly List<(string OrderId, decimal Refunded)> _captured = [];
    private readonly Dictionary<string, int> _eventCounts = new(StringComparer.Ordinal);

    /// <summary>When the wave's steps happen: every change it writes is stamped with it.</summary>
    public DateTimeOffset Now { get; } = now;

    /// <summary>The order takes <paramref name="status"/> (its own, for an order tried again later) and is stamped now.</summary>
    public void Order(string orderId, OrderStatus status) => _orders.Add((orderId, status.ToString(), null));

    /// <summary>
    /// The order goes ON_HOLD for review, for <paramref name="reason"/> (cut to the column's
    /// length), and is stamped now. A review of an earlier hold is taken off: the order waits for a new one.
    /// </summary>
    public void Hold(string orderId, string reason) =>
        _orders.Add((orderId, nameof(OrderStatus.OnHold), reason.Length <= Data.Order.MaxHoldReason ? reason : reason[..Data.Order.MaxHoldReason]));

    public void NewShipment(Shipment shipment) => _newShipments.Add(shipment);

    public void Shipment(Shipment shipment, ShipmentStatus status, string? trackingNumber) =>
        _shipments.Add((shipment.Id, status.ToString(), trackingNumber));

    /// <summary>The parcel's next event, numbered after those it has (loaded with it) and those this wave gave it.</summary>
    public void Event(Shipment shipment, ShipmentStatus status, string description, string location)
    {
        var sequence = _eventCounts[shipment.Id] = _eventCounts.GetValueOrDefault(shipment.Id, shipment.Events.Count) + 1;
        _events.Add(new ShipmentEvent
        {
            ShipmentId = shipment.Id, Sequence = sequence, Status = status, Description = description, Location = location, OccurredAt = Now,
        });
    }

    /// <summary>The order's payment was captured at the provider, and <paramref name="refunded"/> of it refunded there since.</summary>
    public void Captured(string orderId, decimal refunded = 0m) => _captured.Add((orderId, refunded));

    /// <summary>Takes in <paramref name="other"/>'s changes (one order's step, gathered on its own).</summary>
    public void Add(WaveChanges other)
    {
        _orders.AddRange(other._orders);
        _newShipments.AddRange(other._newShipments);
        _shipments.AddRange(other._shipments);
        _events.AddRange(other._events);
        _captured.AddRange(other._captured);
        foreach (var (shipmentId, count) in other._eventCounts)
            _eventCounts[shipmentId] = count;
    }

    /// <summary>The statements that write the changes, parents before children; none for a kind the wave did not change.</summary>
    public NpgsqlBatch Batch(NpgsqlConnection connection, NpgsqlTransaction transaction)
    {
        var batch = new NpgsqlBatch(connection, transaction);
        if (_orders.Count > 0)
        {
            batch.BatchCommands.Add(Positional.Statement("""
                update orders.orders o set "Status" = u.status, "HoldReason" = coalesce(u.hold_reason, o."HoldReason"), "UpdatedAt" = $4,
                  "Review_Decision" = case when u.hold_reason is null then o."Review_Decision" end,
                  "Review_ReviewedBy" = case when u.hold_reason is null then o."Review_ReviewedBy" end,
                  "Review_Note" = case when u.hold_reason is null then o."Review_Note" end,
                  "Review_ReviewedAt" = case when u.hold_reason is null then o."Review_ReviewedAt" end
                from unnest($1::text[], $2::text[], $3::text[]) as u(id, status, hold_reason) where o."Id" = u.id
                """, _orders.Select(o => o.Id).ToArray(), _orders.Select(o => o.Status).ToArray(), _orders.Select(o => o.HoldReason).ToArray(), Now));
        }
        if (_newShipments.Count > 0)
        {
            batch.BatchCommands.Add(Positional.Statement("""
                insert into orders.shipments ("Id", "OrderId", "FulfillmentCenter", "Carrier", "Service", "Status", "CreatedAt")
                select s.id, s.order_id, s.center, s.carrier, s.service, s.status, $7
                from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) as s(id, order_id, center, carrier, service, status)
                """,
                _newShipments.Select(s => s.Id).ToArray(), _newShipments.Select(s => s.OrderId).ToArray(),
                _newShipments.Select(s => s.FulfillmentCenter).ToArray(), _newShipments.Select(s => s.Carrier).ToArray(),
                _newShipments.Select(s => s.Service).ToArray(), _newShipments.Select(s => s.Status.ToString()).ToArray(), Now));
        }
        if (_shipments.Count > 0)
        {
            batch.BatchCommands.Add(Positional.Statement("""
                update orders.shipments s set "Status" = u.status, "TrackingNumber" = u.tracking_number
                from unnest($1::text[], $2::text[], $3::text[]) as u(id, status, tracking_number) where s."Id" = u.id
                """, _shipments.Select(s => s.Id).ToArray(), _shipments.Select(s => s.Status).ToArray(), _shipments.Select(s => s.TrackingNumber).ToArray()));
        }
        if (_events.Count > 0)
        {
            batch.BatchCommands.Add(Positional.Statement("""
                insert into orders.shipment_events ("ShipmentId", "Sequence", "Status", "Description", "Location", "OccurredAt")
                select e.shipment_id, e.sequence, e.status, e.description, e.location, $6
                from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) as e(shipment_id, sequence, status, description, location)
                """,
                _events.Select(e => e.ShipmentId).ToArray(), _events.Select(e => e.Sequence).ToArray(), _events.Select(e => e.Status.ToString()).ToArray(),
                _events.Select(e => e.Description).ToArray(), _events.Select(e => e.Location).ToArray(), Now));
        }
        if (_captured.Count > 0)
            batch.BatchCommands.Add(Positional.Statement("""
                update orders.payments p set "Status" = $3, "Refunded" = greatest(p."Refunded", c.refunded)
                from unnest($1::text[], $2::numeric[]) as c(order_id, refunded) where p."OrderId" = c.order_id
                """, _captured.Select(c => c.OrderId).ToArray(), _captured.Select(c => c.Refunded).ToArray(), nameof(PaymentStatus.Captured)));
        return batch;
    }
}
