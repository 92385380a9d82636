namespace Federated.Orders.Data;

/// <summary>
/// A webhook the payment provider sent, kept once by its event id however often it arrives:
/// the durable inbox of provider notifications, and their record.
/// </summary>
public sealed class PaymentEvent
{
    public string EventId { get; set; } = "";
    public string OrderId { get; set; } = "";
    public string Type { get; set; } = "";

    /// <summary>The provider's order of events for one payment (they may arrive in another).</summary>
    public long Sequence { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>When the order was reconciled with the provider after this event; null until then.</summary>
    public DateTimeOffset? ProcessedAt { get; set; }
}
