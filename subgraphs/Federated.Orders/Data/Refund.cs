namespace Federated.Orders.Data;

/// <summary>
/// Where a refund stands: recorded with the order (<see cref="Pending"/>) before the provider is
/// asked, so a refund the store decided is never forgotten; <see cref="Succeeded"/> once the
/// provider gave the money back; <see cref="Failed"/> when it refused (the money it still holds
/// is less than asked, as after a refund made on its own dashboard).
/// </summary>
public enum RefundStatus { Pending, Succeeded, Failed }

/// <summary>
/// Money given back for units of a delivered order, decided by an administrator (a return, a
/// damaged item). Its parts are the units' share of the order's money: their goods, less their
/// share of the discount, plus their share of the tax; shipping (and its tax) go back with the
/// last units, so that the refunds of a whole order add up to its total to the cent.
/// </summary>
public sealed class Refund
{
    public string Id { get; set; } = "";
    public string OrderId { get; set; } = "";

    /// <summary>Chosen by the administrator's client: the same key on the same order answers the first refund.</summary>
    public string IdempotencyKey { get; set; } = "";

    /// <summary>A hash of what was asked (units and reason): the same key with another request is an error.</summary>
    public string RequestHash { get; set; } = "";

    public RefundStatus Status { get; set; }
    public decimal Subtotal { get; set; }
    public decimal Discount { get; set; }
    public decimal Shipping { get; set; }
    public decimal Tax { get; set; }

    /// <summary>Subtotal − discount + shipping + tax: what goes back to the card.</summary>
    public decimal Amount { get; set; }

    public string CurrencyCode { get; set; } = "USD";
    public string Reason { get; set; } = "";
    public const int MaxReason = 500;

    /// <summary>The administrator's user id.</summary>
    public string RefundedBy { get; set; } = "";

    public string? ProviderReference { get; set; }

    /// <summary>Why the provider refused it (<see cref="RefundStatus.Failed"/>).</summary>
    public string? FailureReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public List<RefundedUnits> Units { get; set; } = [];

    /// <summary>Whether its units count as given back: a refund the provider refused gave nothing back.</summary>
    public bool Counts => Status != RefundStatus.Failed;
}

/// <summary>Units of one of the order's SKUs a refund gives back.</summary>
public sealed class RefundedUnits
{
    public string Sku { get; set; } = "";
    public int Quantity { get; set; }
}
