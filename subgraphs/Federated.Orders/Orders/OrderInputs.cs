using Federated.Orders.Checkout;
using Federated.Kit.Types;
using GraphQL.Types;

namespace Federated.Orders.Orders;

public sealed record PaymentInput(string CardToken);

public sealed record PlaceOrderInput(string IdempotencyKey, AddressInput ShippingAddress, string ShippingRateId, PaymentInput Payment, decimal? ExpectedTotal = null);

public sealed record ConfirmPaymentInput(string OrderId, string ChallengeResponse);

public sealed record CancelOrderInput(string OrderId);

public sealed class PaymentInputType : InputObjectGraphType<PaymentInput>
{
    public PaymentInputType()
    {
        Name = "PaymentInput";
        Field(p => p.CardToken).Description("A card token from the payment provider (test tokens: README); cards are never stored.");
    }
}

public sealed class PlaceOrderInputType : InputObjectGraphType<PlaceOrderInput>
{
    public PlaceOrderInputType()
    {
        Name = "PlaceOrderInput";
        Field(i => i.IdempotencyKey).Description("Chosen by the client, one per checkout attempt: sending it again returns the same result; with another request it is an error.");
        Field(i => i.ShippingAddress, type: typeof(NonNullGraphType<AddressInputType>));
        Field(i => i.ShippingRateId, type: typeof(NonNullGraphType<IdGraphType>)).Description("One of shippingRates' ids; priced again here.");
        Field(i => i.Payment, type: typeof(NonNullGraphType<PaymentInputType>));
        Field(i => i.ExpectedTotal, type: typeof(DecimalType))
            .Description("The total the shopper was shown (the chosen rate's total from shippingRates). When sent, an order that comes to another total is refused with TOTAL_CHANGED, holding and charging nothing.");
    }
}

public sealed class ConfirmPaymentInputType : InputObjectGraphType<ConfirmPaymentInput>
{
    public ConfirmPaymentInputType()
    {
        Name = "ConfirmPaymentInput";
        Field(i => i.OrderId, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.ChallengeResponse).Description("The shopper's answer to the 3-D Secure challenge.");
    }
}

public sealed class CancelOrderInputType : InputObjectGraphType<CancelOrderInput>
{
    public CancelOrderInputType()
    {
        Name = "CancelOrderInput";
        Field(i => i.OrderId, type: typeof(NonNullGraphType<IdGraphType>));
    }
}
