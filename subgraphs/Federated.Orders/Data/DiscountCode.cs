namespace Federated.Orders.Data;

public enum DiscountKind { Percentage, FixedAmount, FreeShipping }

/// <summary>A code a shopper can apply to a cart, with its rules.</summary>
public sealed class DiscountCode
{
    /// <summary>Upper case; what shoppers type, case-insensitively.</summary>
    public string Code { get; set; } = "";
    public string Description { get; set; } = "";
    public DiscountKind Kind { get; set; }

    /// <summary>Percent off the subtotal (Percentage) or an amount off it (FixedAmount); unused for FreeShipping.</summary>
    public decimal Value { get; set; }

    public decimal MinimumSubtotal { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>How many orders one customer may place with it; null for no limit.</summary>
    public int? PerCustomerLimit { get; set; }
}

/// <summary>
/// One order placed with a code: what per-customer limits count. Recorded with the order itself,
/// and removed if the order fails, so only orders that stand use the code up.
/// </summary>
public sealed class DiscountRedemption
{
    public string Code { get; set; } = "";
    public string UserId { get; set; } = "";
    public string OrderId { get; set; } = "";
    /// <summary>
    /// Which of the customer's uses of a code with a per-customer limit this is, from 1 to the
    /// limit; null for a code without one. Unique per code and customer, so two orders placed at
    /// once cannot both take the last use.
    /// </summary>
    public int? Slot { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
