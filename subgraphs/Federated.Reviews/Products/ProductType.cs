using Federated.Reviews.Reviews;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Reviews.Products;

/// <summary>The catalog's product, extended with its reviews and rating.</summary>
public sealed class ProductType : ObjectGraphType<ProductReference>
{
    public ProductType()
    {
        Name = "Product";
        this.Key("id");
        Field(p => p.Id, type: typeof(NonNullGraphType<IdGraphType>));
        this.AddReviewsField<ProductReference, ReviewsByProductDataLoader>(p => p.Id);
        Field<NonNullGraphType<RatingSummaryType>>("rating")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<RatingByProductDataLoader>().Load(ctx.Source.Id));

        this.ResolveReference<ProductReference>((_, reference) => reference);
    }
}

public sealed class ProductReference
{
    public string Id { get; set; } = "";
}
