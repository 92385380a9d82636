using Federated.Kit.Errors;
using Federated.Kit.Types;
using Federated.Orders.Carts;
using GraphQL;
using GraphQL.Types;

namespace Federated.Orders.Checkout;

public sealed record ShippingRatesInput(AddressInput Address);

public sealed record ShippingRatesPayload(IReadOnlyList<ShippingRate> Rates, string CurrencyCode, IReadOnlyList<UserError> Errors);

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
                    return new ShippingRatesPayload([], "USD", errors);
                if (await CartOperations.ResolveCartIdAsync(ctx, create: false) is not { } cartId)
                    return new ShippingRatesPayload([], "USD", [new UserError(CartOperations.CartNotFound, "Add something to the cart first.", ["input"])]);
                // At the terms the shopper was last shown, as placeOrder prices it: the rates show no
                // line prices, so asking for them must not record prices the shopper never saw.
                var cart = await CartOperations.PricedAsShownAsync(ctx, cartId);
                if (cart.Lines.Count == 0)
                    return new ShippingRatesPayload([], cart.CurrencyCode, [new UserError(CartOperations.CartNotFound, "Add something to the cart first.", ["input"])]);
                var (rates, error) = RatesFor(cart, input.Address);
                return new ShippingRatesPayload(rates, cart.CurrencyCode, error is null ? [] : [error]);
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

public sealed class ShippingRateType : ObjectGraphType<(ShippingRate Rate, string Currency)>
{
    public ShippingRateType()
    {
        Name = "ShippingRate";
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Rate.Id);
        Field<NonNullGraphType<StringGraphType>>("carrier").Resolve(ctx => ctx.Source.Rate.Carrier);
        Field<NonNullGraphType<StringGraphType>>("service").Resolve(ctx => ctx.Source.Rate.Service);
        Field<NonNullGraphType<MoneyType>>("price").Resolve(ctx => new Money(ctx.Source.Rate.Price, ctx.Source.Currency));
        Field<NonNullGraphType<IntGraphType>>("estimatedDays").Resolve(ctx => ctx.Source.Rate.EstimatedDays);
    }
}

public sealed class ShippingRatesPayloadType : ObjectGraphType<ShippingRatesPayload>
{
    public ShippingRatesPayloadType()
    {
        Name = "ShippingRatesPayload";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ShippingRateType>>>>("rates")
            .Description("Cheapest first.")
            .Resolve(ctx => ctx.Source.Rates.Select(r => (r, ctx.Source.CurrencyCode)));
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
