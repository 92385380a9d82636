using Federated.Kit.Errors;
using Federated.Kit.Types;
using Federated.Orders.Carts;
using GraphQL;
using GraphQL.Types;

namespace Federated.Orders.Checkout;

public sealed record ShippingRatesInput(AddressInput Address);

public sealed record ShippingRatesPayload(IReadOnlyList<RateQuote> Rates, IReadOnlyList<UserError> Errors);

/// <summary>
/// A rate, with what an order of the cart as it stands would be charged with it to the
/// destination: the tax (on goods after discount and, where VAT taxes it, on shipping) and the
/// total. placeOrder prices the order with the same quote, so the shopper is shown, before the
/// card is charged, what it is charged.
/// </summary>
public sealed record RateQuote(ShippingRate Rate, string CurrencyCode, decimal Tax, decimal Total)
{
    public static RateQuote For(PricedCart cart, Destination destination, ShippingRate rate)
    {
        var goods = cart.Subtotal - cart.DiscountAmount;
        var tax = Taxes.Compute(Taxes.RateFor(destination) ?? throw new InvalidOperationException($"No tax rate for {destination}."), goods, rate.Price);
        return new RateQuote(rate, cart.CurrencyCode, tax, goods + rate.Price + tax);
    }
}

/// <summary>
/// <c>shippingRates</c>: what each carrier charges to send the cart (by its packed weight) to an
/// address. A free-shipping code makes the standard services free. placeOrder takes one of
/// these ids and prices it again, so the client's copy of a price never counts. The cart is
/// weighed and priced at the terms it was last shown at, as placeOrder prices it.
/// </summary>
public static class ShippingOperations
{
    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<ShippingRatesPayloadType>>("shippingRates")
            .Argument<NonNullGraphType<ShippingRatesInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<ShippingRatesInput>("input");
                var errors = input.Address.Validate("input", "address");
                if (errors.Count > 0)
                    return new ShippingRatesPayload([], errors);
                if (await CartOperations.ResolveCartIdAsync(ctx) is not { } cartId)
                    return new ShippingRatesPayload([], [new UserError(CartOperations.CartNotFound, "Add something to the cart first.", ["input"])]);
                // At the terms the shopper was last shown, as placeOrder prices it: the rates show no
                // line prices, so asking for them must not record prices the shopper never saw.
                var cart = await CartOperations.PricedAsShownAsync(ctx, cartId);
                if (cart.Lines.Count == 0)
                    return new ShippingRatesPayload([], [new UserError(CartOperations.CartNotFound, "Add something to the cart first.", ["input"])]);
                var (rates, error) = RatesFor(cart, input.Address);
                return new ShippingRatesPayload([.. rates.Select(r => RateQuote.For(cart, input.Address.Destination, r))], error is null ? [] : [error]);
            });

    /// <summary>The rates for a priced cart to an address, or why there are none.</summary>
    public static (IReadOnlyList<ShippingRate> Rates, UserError? Error) RatesFor(PricedCart cart, AddressInput address)
    {
        var destination = address.Destination;
        if (Taxes.RateFor(destination) is null && destination.Country == "US")
            return ([], new UserError(Taxes.UnknownRegion, "A US address needs its two-letter state in 'region'.", ["input", "address", "region"]));
        var rates = ShippingRates.For(destination, cart.WeightGrams, cart.Discount?.FreeShipping == true);
        return rates.Count == 0 || Taxes.RateFor(destination) is null
            ? ([], new UserError(ShippingRates.DestinationUnsupported, $"We do not ship to {destination.Country} yet.", ["input", "address", "country"]))
            : (rates, null);
    }
}

public sealed class ShippingRatesInputType : InputObjectGraphType<ShippingRatesInput>
{
    public ShippingRatesInputType()
    {
        Name = "ShippingRatesInput";
        Field(i => i.Address, type: typeof(NonNullGraphType<AddressInputType>));
    }
}

public sealed class ShippingRateType : ObjectGraphType<RateQuote>
{
    public ShippingRateType()
    {
        Name = "ShippingRate";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Rate.Id);
        Field<NonNullGraphType<StringGraphType>>("carrier").Resolve(ctx => ctx.Source.Rate.Carrier);
        Field<NonNullGraphType<StringGraphType>>("service").Resolve(ctx => ctx.Source.Rate.Service);
        Field<NonNullGraphType<MoneyType>>("price").Resolve(ctx => new Money(ctx.Source.Rate.Price, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<IntGraphType>>("estimatedDays").Resolve(ctx => ctx.Source.Rate.EstimatedDays);
        Field<NonNullGraphType<MoneyType>>("tax")
            .Description("The tax an order of the cart as it stands pays with this rate, to this address: on goods after the discount and, where VAT taxes it, on shipping. placeOrder charges the same.")
            .Resolve(ctx => new Money(ctx.Source.Tax, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("total")
            .Description("What an order of the cart as it stands is charged with this rate, to this address: goods after the discount, shipping and tax.")
            .Resolve(ctx => new Money(ctx.Source.Total, ctx.Source.CurrencyCode));
    }
}

public sealed class ShippingRatesPayloadType : ObjectGraphType<ShippingRatesPayload>
{
    public ShippingRatesPayloadType()
    {
        Name = "ShippingRatesPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ShippingRateType>>>>("rates")
            .Description("Cheapest first.")
            .Resolve(ctx => ctx.Source.Rates);
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
