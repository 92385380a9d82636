using Federated.Catalog.Categories;
using Federated.Catalog.Data;
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
            .Description("The lowest price the product sells at.")
            .Resolve(ctx => new Money(ctx.Source.Price, ctx.Source.CurrencyCode));
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
