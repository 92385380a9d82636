using Federated.Catalog.Data;
using Federated.Catalog.Inventory;
using Federated.Catalog.Products;
using Federated.Kit.DataLoaders;
using Federated.Kit.GraphQL;
using Federated.Kit.Identity;
using Federated.Kit.Types;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Catalog.Variants;

public sealed class ProductVariantType : ObjectGraphType<ProductVariant>
{
    private const string TypeName = "ProductVariant";

    public ProductVariantType()
    {
        Name = TypeName;
        this.Key("sku");
        Field(v => v.Sku, type: typeof(NonNullGraphType<IdGraphType>));
        Field<NonNullGraphType<ProductType>>("product")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<ProductByIdDataLoader>().Load(ctx.Source.ProductId));
        Field(v => v.Title);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AttributeType>>>>("options")
            .Description("What sets this variant apart, such as Size and Colour.")
            .Resolve(ctx => ctx.Source.Options);
        Field<NonNullGraphType<MoneyType>>("price")
            .Resolve(ctx => new Money(ctx.Source.Price, ctx.Source.CurrencyCode));
        Field<MoneyType>("listPrice")
            .Description("The price before a sale; null when not on sale.")
            .Resolve(ctx => ctx.Source.ListPrice is { } list ? new Money(list, ctx.Source.CurrencyCode) : (Money?)null);
        Field(v => v.WeightGrams).Description("Shipping weight of one unit, packed, in grams.");
        Field<NonNullGraphType<IntGraphType>>("quantityAvailable")
            .Description("On hand minus reserved, across fulfillment centers.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<QuantityBySkuDataLoader>().Load(ctx.Source.Sku));
        Field<ListGraphType<NonNullGraphType<StockLevelType>>>("stockLevels")
            .Description("On hand and reserved per fulfillment center: administrators only (null with FORBIDDEN for anyone else).")
            .Resolve(ctx =>
            {
                var user = ctx.CurrentUser();
                if (!user.IsAdmin && !user.IsService)
                    user.RequireAdmin();
                return ctx.RequestServices!.GetRequiredService<StockLevelsBySkuDataLoader>().Load(ctx.Source.Sku)
                    .Then(rows => rows!.Select(r => r.Level));
            });

        // A lookup that selects the product or the units available reads them with the variant.
        this.ResolveReference<VariantReference, ProductVariant>((ctx, reference) =>
        {
            var reads = (ctx.Selects(TypeName, "product") ? VariantReads.Product : VariantReads.Variant)
                | (ctx.Selects(TypeName, "quantityAvailable") ? VariantReads.Quantity : VariantReads.Variant);
            return reads == VariantReads.Variant
                ? ctx.RequestServices!.GetRequiredService<VariantBySkuDataLoader>().Load(reference.Sku)
                : ctx.RequestServices!.GetRequiredService<VariantDetailsBySkuDataLoader>().Load((reference.Sku, reads));
        });
    }
}

/// <summary>The representation other subgraphs send for a variant: its key.</summary>
public sealed class VariantReference
{
    public string Sku { get; set; } = "";
}
