using Federated.Kit.Errors;
using Federated.Kit.Types;
using Federated.Orders.Checkout;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Orders.Carts;

public sealed class CartType : ObjectGraphType<PricedCart>
{
    public CartType()
    {
        Name = "Cart";
        Description = "A shopping cart at the catalog's current prices; kept 30 days from its last change.";
        Field(c => c.Id, type: typeof(NonNullGraphType<IdGraphType>)).Description("A guest sends this id back in the X-Cart-Id header.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CartLineType>>>>("lines").Resolve(ctx => ctx.Source.Lines);
        Field(c => c.ItemCount).Description("Units over all lines.");
        Field<NonNullGraphType<MoneyType>>("subtotal").Resolve(ctx => new Money(ctx.Source.Subtotal, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<DiscountType>>>>("discounts")
            .Description("The applied code's discount, while the cart qualifies for it.")
            .Resolve(ctx => ctx.Source.Discount is { } d ? new[] { (d, ctx.Source.CurrencyCode) } : []);
        Field<NonNullGraphType<MoneyType>>("total")
            .Description("Subtotal less discounts, before shipping and tax (placeOrder adds those).")
            .Resolve(ctx => new Money(ctx.Source.Total, ctx.Source.CurrencyCode));
    }
}

public sealed class CartLineType : ObjectGraphType<PricedLine>
{
    public CartLineType()
    {
        Name = "CartLine";
        Field<NonNullGraphType<IdGraphType>>("id").Description("The line's id: its SKU.").Resolve(ctx => ctx.Source.Sku);
        Field<NonNullGraphType<ProductVariantType>>("variant").Resolve(ctx => new VariantReference { Sku = ctx.Source.Sku });
        Field(l => l.Quantity);
        Field<NonNullGraphType<MoneyType>>("unitPrice").Resolve(ctx => new Money(ctx.Source.Variant.Price, ctx.Source.Variant.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("total").Resolve(ctx => new Money(ctx.Source.LineTotal, ctx.Source.Variant.CurrencyCode));
    }
}

public sealed class DiscountType : ObjectGraphType<(AppliedDiscount Discount, string Currency)>
{
    public DiscountType()
    {
        Name = "Discount";
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(ctx => ctx.Source.Discount.Code);
        Field<NonNullGraphType<StringGraphType>>("description").Resolve(ctx => ctx.Source.Discount.Description);
        Field<NonNullGraphType<MoneyType>>("amount").Description("Off the subtotal; 0 for free shipping.")
            .Resolve(ctx => new Money(ctx.Source.Discount.Amount, ctx.Source.Currency));
        Field<NonNullGraphType<BooleanGraphType>>("freeShipping").Resolve(ctx => ctx.Source.Discount.FreeShipping);
    }
}

/// <summary>The catalog's variant, referenced by SKU; the gateway resolves its details from the catalog.</summary>
public sealed class ProductVariantType : ObjectGraphType<VariantReference>
{
    public ProductVariantType()
    {
        Name = "ProductVariant";
        this.Key("sku", resolvable: false);
        Field(v => v.Sku, type: typeof(NonNullGraphType<IdGraphType>));
    }
}

public sealed class VariantReference
{
    public string Sku { get; set; } = "";
}

public sealed record CartPayload(PricedCart? Cart, IReadOnlyList<UserError> Errors)
{
    public static CartPayload Failed(params UserError[] errors) => new(null, errors);
}

public sealed class CartPayloadType : ObjectGraphType<CartPayload>
{
    public CartPayloadType()
    {
        Name = "CartPayload";
        Field(p => p.Cart, type: typeof(CartType));
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
