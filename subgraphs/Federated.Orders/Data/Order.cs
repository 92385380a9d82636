namespace Federated.Orders.Data;

/// <summary>
/// Where an order stands. <see cref="Pending"/> (being placed) and <see cref="Failed"/>
/// (refused: out of stock, payment declined or timed out, fraud) are internal: such orders are
/// never listed; a replayed placeOrder returns the same refusal.
/// </summary>
public enum OrderStatus { Pending, PaymentActionRequired, OnHold, Paid, Fulfilling, Shipped, Delivered, Cancelled, Refunded, Failed }

public sealed class Order
{
    public string Id { get; set; } = "";

    /// <summary>What the customer sees, e.g. FC-2026-000123.</summary>
    public string Number { get; set; } = "";

    public string UserId { get; set; } = "";
    public string IdempotencyKey { get; set; } = "";

    /// <summary>A hash of what was asked (cart, address, rate, card): the same key with another request is an error.</summary>
    public string RequestHash { get; set; } = "";

    public OrderStatus Status { get; set; }
    public string CurrencyCode { get; set; } = "USD";
    public decimal Subtotal { get; set; }
    public decimal Discount { get; set; }
    public decimal Shipping { get; set; }
    public decimal Tax { get; set; }
    public decimal Total { get; set; }
    public string? DiscountCode { get; set; }
    public string ShippingRateId { get; set; } = "";
    public string Carrier { get; set; } = "";
    public string ShippingService { get; set; } = "";
    public ShippingAddress ShippingAddress { get; set; } = new();

    /// <summary>Why a Failed order was refused, as the UserError code and message it answered with.</summary>
    public string? FailureCode { get; set; }
    public string? FailureMessage { get; set; }

    /// <summary>The largest amount an order's money columns hold (<c>numeric(12, 2)</c>).</summary>
    public const decimal MaxAmount = 9_999_999_999.99m;

    /// <summary>
    /// The longest failure message kept: a refusal naming each of a cart's 100 lines (the
    /// catalog's message for a line is at most about 85 characters with a 40-character SKU) fits.
    /// </summary>
    public const int MaxFailureMessage = 10_000;

    /// <summary>Refused with <paramref name="code"/>: the refusal recorded, its message cut to <see cref="MaxFailureMessage"/>.</summary>
    public void Fail(string code, string message)
    {
        Status = OrderStatus.Failed;
        FailureCode = code;
        FailureMessage = message.Length <= MaxFailureMessage ? message : string.Concat(message.AsSpan(0, MaxFailureMessage - 1), "…");
    }

    /// <summary>Why the order was held for review (fraud rules, or fulfillment), as "code: words".</summary>
    public string? HoldReason { get; set; }

    public const int MaxHoldReason = 200;

    /// <summary>An administrator's decision on the hold; null until reviewed.</summary>
    public HoldReview? Review { get; set; }

    public DateTimeOffset PlacedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// When the order last went ON_HOLD, or was held again for another reason (null if it never
    /// was): the review queue's order. Set by the database (a trigger,
    /// <see cref="OrdersDbContext.HeldAtTrigger"/>) whenever a row's status becomes OnHold or its
    /// hold reason changes on hold, however it is written: placement's accept, a fulfillment
    /// wave, a payment webhook, a 3-D Secure answer. The queue went by the time placed before, so an
    /// order held days after it was placed (its payment voided at the provider, its stock
    /// refused) was behind a reviewer's cursor and never on a next page.
    /// </summary>
    public DateTimeOffset? HeldAt { get; set; }

    public List<OrderLine> Lines { get; set; } = [];
    public Payment? Payment { get; set; }
    public List<Shipment> Shipments { get; set; } = [];

    /// <summary>Money given back after delivery, oldest first.</summary>
    public List<Refund> Refunds { get; set; } = [];

    /// <summary>
    /// Where the catalog holds the order's units, as its reservation answered: packing makes a
    /// parcel per center from it without asking the catalog again. Empty for an order not
    /// reserved (or reserved before this was recorded: packing then asks the catalog).
    /// </summary>
    public List<HeldUnits> Allocation { get; set; } = [];

    /// <summary>PostgreSQL's row version: two writers of one order cannot both win.</summary>
    public uint Version { get; set; }
}

public sealed class HoldReview
{
    public Orders.HoldDecision Decision { get; set; }
    public string ReviewedBy { get; set; } = "";
    public string? Note { get; set; }
    public DateTimeOffset ReviewedAt { get; set; }
}

public sealed class ShippingAddress
{
    public string Name { get; set; } = "";
    public string Line1 { get; set; } = "";
    public string? Line2 { get; set; }
    public string City { get; set; } = "";
    public string? Region { get; set; }
    public string PostalCode { get; set; } = "";
    public string Country { get; set; } = "";
}

/// <summary>Units of one SKU the catalog holds for the order in one fulfillment center.</summary>
public sealed class HeldUnits
{
    public string Sku { get; set; } = "";
    public string FulfillmentCenter { get; set; } = "";
    public int Quantity { get; set; }
}

public sealed class OrderLine
{
    public string OrderId { get; set; } = "";
    public int Position { get; set; }
    public string Sku { get; set; } = "";
    public string ProductId { get; set; } = "";

    /// <summary>"{product name} ({variant title})", as the catalog named them when the cart was priced.</summary>
    public string Title { get; set; } = "";

    /// <summary>The catalog's 200 characters for each name, and the three between them.</summary>
    public const int MaxTitle = 403;

    public int Quantity { get; set; }
    public decimal UnitPrice { get; set; }
    public decimal Total { get; set; }
    public string CurrencyCode { get; set; } = "USD";
}

public enum PaymentStatus { Pending, ActionRequired, Authorized, Captured, Declined, Voided, Refunded, Failed }

/// <summary>The order's payment: the card token and the provider's outcome; never card details.</summary>
public sealed class Payment
{
    public string OrderId { get; set; } = "";
    public string Provider { get; set; } = "";
    public string CardToken { get; set; } = "";
    public PaymentStatus Status { get; set; }
    public decimal Amount { get; set; }

    /// <summary>What refunds have given back of the captured amount; the payment is Refunded when it is all of it.</summary>
    public decimal Refunded { get; set; }

    public string CurrencyCode { get; set; } = "USD";
    public string? ProviderReference { get; set; }
    public string? ChallengeId { get; set; }
    public string? DeclineReason { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum ShipmentStatus { Packed, InTransit, Delivered, Cancelled }

/// <summary>One parcel of an order, from one fulfillment center.</summary>
public sealed class Shipment
{
    public string Id { get; set; } = "";
    public string OrderId { get; set; } = "";
    public string FulfillmentCenter { get; set; } = "";
    public string Carrier { get; set; } = "";
    public string Service { get; set; } = "";
    public string? TrackingNumber { get; set; }
    public ShipmentStatus Status { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<ShipmentEvent> Events { get; set; } = [];
}

/// <summary>What happened to a parcel, in order: picked, packed, shipped, delivered.</summary>
public sealed class ShipmentEvent
{
    public string ShipmentId { get; set; } = "";
    public int Sequence { get; set; }
    public ShipmentStatus Status { get; set; }
    public string Description { get; set; } = "";
    public string Location { get; set; } = "";
    public DateTimeOffset OccurredAt { get; set; }
}
