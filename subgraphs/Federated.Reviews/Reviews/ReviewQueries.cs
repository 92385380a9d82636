using GraphQL;
using GraphQL.Types;

namespace Federated.Reviews.Reviews;

public static class ReviewQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<ReviewType>("review")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<ReviewByIdDataLoader>().Load(ctx.GetArgument<string>("id")));
    }
}
