using Federated.Catalog.Categories;
using Federated.Catalog.Data;
using Federated.Catalog.Inventory;
using Federated.Catalog.Variants;
using Federated.Kit.DataLoaders;
using Federated.Kit.Types;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Catalog.Products;

public sealed class ProductType : ObjectGraphType<Product>
{
    public ProductType()
    {
        Name = "Product";
        this.Key("id");
        Field(p => p.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(p => p.Name);
        Field(p => p.Description);
        Field(p => p.Brand);
        Field<NonNullGraphType<MoneyType>>("price")
            .Description("The lowest price the product sells at: its cheapest variant's.")
            .Resolve(ctx => new Money(ctx.Source.Price, ctx.Source.CurrencyCode));
        Field<MoneyType>("listPrice")
            .Description("The cheapest variant's price before a sale; null when it is not on sale.")
            .Resolve(ctx => ctx.Source.ListPrice is { } list ? new Money(list, ctx.Source.CurrencyCode) : (Money?)null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ImageType>>>>("images")
            .Resolve(ctx => ctx.Source.Images);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AttributeType>>>>("attributes")
            .Resolve(ctx => ctx.Source.Attributes);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProductVariantType>>>>("variants")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<VariantsByProductDataLoader>().Load(ctx.Source.Id));
        Field<NonNullGraphType<AvailabilityType>>("availability")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<QuantityByProductDataLoader>().Load(ctx.Source.Id)
                .Then(AvailabilityRules.Of));
        Field<NonNullGraphType<CategoryType>>("category")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<CategoryByIdDataLoader>().Load(ctx.Source.CategoryId));

        this.ResolveReference<ProductReference, Product>((ctx, reference) =>
            ctx.RequestServices!.GetRequiredService<ProductByIdDataLoader>().Load(reference.Id));
    }
}

/// <summary>The representation the gateway sends for a product: its key.</summary>
public sealed class ProductReference
{
    public string Id { get; set; } = "";
}
