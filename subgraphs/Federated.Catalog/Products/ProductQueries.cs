using GraphQL;
using GraphQL.Types;

namespace Federated.Catalog.Products;

public static class ProductQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<ProductType>("product")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<ProductByIdDataLoader>().Load(ctx.GetArgument<string>("id")));
    }
}
