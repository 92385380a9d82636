using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Kit.Types;
using Federated.Orders.Carts;
using Federated.Orders.Data;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Orders;

public sealed class OrderType : ObjectGraphType<Order>
{
    public OrderType()
    {
        Name = "Order";
        this.Key("id");
        Field(o => o.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(o => o.Number).Description("What the customer quotes, e.g. FC-261127-1A2B3C4D5E6F: the day placed and 48 random bits.");
        Field(o => o.Status, type: typeof(NonNullGraphType<OrderStatusType>));
        Field<NonNullGraphType<DateTimeGraphType>>("placedAt").Resolve(ctx => ctx.Source.PlacedAt.UtcDateTime);
        Field<StringGraphType>("holdReason")
            .Description("Why the order is held for review, while it is ON_HOLD (null otherwise): a fraud rule at placement (large_amount, country_mismatch, customer_velocity), or fulfillment's (stock_not_held, payment_not_held, step_failed, step_not_saved). Administrators see the code with its detail; the customer sees the code.")
            .Resolve(ctx => HoldReasonFor(ctx.Source, ctx.CurrentUser().IsAdmin));
        Field<HoldReviewType>("holdReview")
            .Description("An administrator's decision on the hold, with its note: for administrators (null for the customer); null until reviewed, and again when the order is held anew.")
            .Resolve(ctx => ctx.CurrentUser().IsAdmin ? ctx.Source.Review : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<OrderLineType>>>>("lines").Resolve(ctx => ctx.Source.Lines.OrderBy(l => l.Position));
        Field<NonNullGraphType<MoneyType>>("subtotal").Resolve(ctx => new Money(ctx.Source.Subtotal, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("discount").Resolve(ctx => new Money(ctx.Source.Discount, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("shipping").Resolve(ctx => new Money(ctx.Source.Shipping, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("tax").Resolve(ctx => new Money(ctx.Source.Tax, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("total").Resolve(ctx => new Money(ctx.Source.Total, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<PaymentType>>("payment").Resolve(ctx => ctx.Source.Payment);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ShipmentType>>>>("shipments")
            .Description("The parcels, one per fulfillment center the order ships from; empty until it is packed.")
            .Resolve(ctx => ctx.Source.Shipments.OrderBy(s => s.FulfillmentCenter, StringComparer.Ordinal));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RefundType>>>>("refunds")
            .Description("Money given back after delivery, oldest first.")
            .Resolve(ctx => ctx.Source.Refunds.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id, StringComparer.Ordinal));

        this.ResolveReference<OrderReference, Order>((ctx, reference) => OrderOperations.VisibleOrder(ctx, reference.Id)!);
    }

    /// <summary>
    /// The hold's reason as shown: none once the order is released or cancelled (it is kept in
    /// the order's row, with the review); to the customer only its code, without the rule's
    /// thresholds (which would tell a card tester where to stay) or a database's error text.
    /// </summary>
    private static string? HoldReasonFor(Order order, bool administrator) =>
        order.Status != OrderStatus.OnHold || order.HoldReason is not { } reason ? null
        : administrator ? reason
        : reason.Split(':', 2)[0];
}

public sealed class OrderReference
{
    public string Id { get; set; } = "";
}

public sealed class OrderStatusType : EnumerationGraphType
{
    public OrderStatusType()
    {
        Name = "OrderStatus";
        // Orders being placed or refused are never shown.
        foreach (var status in OrderOperations.Visible)
            Add(status.ToString().ToConstantCase(), status);
    }
}

public sealed class OrderLineType : ObjectGraphType<OrderLine>
{
    public OrderLineType()
    {
        Name = "OrderLine";
        Field(l => l.Title).Description("Product and variant as they were named when ordered.");
        Field<NonNullGraphType<ProductVariantType>>("variant").Resolve(ctx => new VariantReference { Sku = ctx.Source.Sku });
        Field(l => l.Quantity);
        Field<NonNullGraphType<MoneyType>>("unitPrice").Resolve(ctx => new Money(ctx.Source.UnitPrice, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("total").Resolve(ctx => new Money(ctx.Source.Total, ctx.Source.CurrencyCode));
    }
}

public sealed class PaymentType : ObjectGraphType<Payment>
{
    public PaymentType()
    {
        Name = "Payment";
        Field(p => p.Status, type: typeof(NonNullGraphType<PaymentStatusType>));
        Field<NonNullGraphType<MoneyType>>("amount").Resolve(ctx => new Money(ctx.Source.Amount, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("refunded").Description("Given back by refunds so far; REFUNDED once it is all of the amount.").Resolve(ctx => new Money(ctx.Source.Refunded, ctx.Source.CurrencyCode));
        Field(p => p.DeclineReason, nullable: true);
    }
}

public sealed class PaymentStatusType : EnumerationGraphType<PaymentStatus>
{
    public PaymentStatusType() => Name = "PaymentStatus";
}

public sealed class ShipmentType : ObjectGraphType<Shipment>
{
    public ShipmentType()
    {
        Name = "Shipment";
        Field(s => s.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(s => s.FulfillmentCenter);
        Field(s => s.Carrier);
        Field(s => s.Service);
        Field(s => s.TrackingNumber, nullable: true).Description("Set once the parcel is handed to the carrier.");
        Field(s => s.Status, type: typeof(NonNullGraphType<ShipmentStatusType>));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ShipmentEventType>>>>("events")
            .Description("Oldest first.")
            .Resolve(ctx => ctx.Source.Events.OrderBy(e => e.Sequence));
    }
}

public sealed class ShipmentStatusType : EnumerationGraphType<ShipmentStatus>
{
    public ShipmentStatusType() => Name = "ShipmentStatus";
}

public sealed class ShipmentEventType : ObjectGraphType<ShipmentEvent>
{
    public ShipmentEventType()
    {
        Name = "ShipmentEvent";
        Field(e => e.Status, type: typeof(NonNullGraphType<ShipmentStatusType>));
        Field(e => e.Description);
        Field(e => e.Location);
        Field<NonNullGraphType<DateTimeGraphType>>("occurredAt").Resolve(ctx => ctx.Source.OccurredAt.UtcDateTime);
    }
}

public sealed class PaymentActionType : ObjectGraphType<PaymentAction>
{
    public PaymentActionType()
    {
        Name = "PaymentAction";
        Description = "What the shopper must do before the payment completes; answer with confirmPayment.";
        Field(a => a.Type).Description("THREE_D_SECURE: the card issuer's challenge.");
        Field(a => a.ChallengeId, type: typeof(NonNullGraphType<IdGraphType>));
    }
}

public sealed class PlaceOrderPayloadType : ObjectGraphType<PlaceOrderResult>
{
    public PlaceOrderPayloadType()
    {
        Name = "PlaceOrderPayload";
        Field(p => p.Order, type: typeof(OrderType));
        Field(p => p.PaymentAction, type: typeof(PaymentActionType));
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}

public sealed record OrderPayload(Order? Order, IReadOnlyList<UserError> Errors);

public sealed class OrderPayloadType : ObjectGraphType<OrderPayload>
{
    public OrderPayloadType()
    {
        Name = "OrderPayload";
        Field(p => p.Order, type: typeof(OrderType));
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
