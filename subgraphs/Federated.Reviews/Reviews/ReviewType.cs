using Federated.Reviews.Data;
using Federated.Reviews.Products;
using Federated.Reviews.Users;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Reviews.Reviews;

public sealed class ReviewType : ObjectGraphType<Review>
{
    public ReviewType()
    {
        Name = "Review";
        this.Key("id");
        Field(r => r.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field<NonNullGraphType<ProductType>>("product").Resolve(ctx => new ProductReference { Id = ctx.Source.ProductId });
        Field<NonNullGraphType<UserType>>("author").Resolve(ctx => new UserReference { Id = ctx.Source.AuthorId });
        Field(r => r.Rating).Description("Stars, 1 to 5.");
        Field(r => r.Title);
        Field(r => r.Body);
        Field(r => r.VerifiedPurchase);
        Field(r => r.HelpfulVotes);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt.UtcDateTime);

        this.ResolveReference<ReviewReference, Review>((ctx, reference) =>
            ctx.RequestServices!.GetRequiredService<ReviewByIdDataLoader>().Load(reference.Id));
    }
}

public sealed class ReviewReference
{
    public string Id { get; set; } = "";
}
