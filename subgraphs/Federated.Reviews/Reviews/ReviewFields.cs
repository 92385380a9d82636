using Federated.Kit.Paging;
using GraphQL;
using GraphQL.Types;

namespace Federated.Reviews.Reviews;

public static class ReviewFields
{
    /// <summary>Adds <c>reviews(first, after, sort)</c> to an entity that owns reviews (a product, an author).</summary>
    public static void AddReviewsField<TSource, TLoader>(this ObjectGraphType<TSource> type, Func<TSource, string> ownerId)
        where TLoader : ReviewPageDataLoader
    {
        type.Field<NonNullGraphType<ReviewConnectionType>>("reviews")
            .Argument<IntGraphType>("first", $"Page size: default {PagingArguments.DefaultPageSize}, at most {PagingArguments.MaxPageSize}.")
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .Argument<ReviewSortType>("sort", "Order of the reviews: NEWEST unless given.")
            .Resolve(ctx =>
            {
                var request = new ReviewPageRequest(ownerId(ctx.Source), PagingArguments.From(ctx), ctx.GetArgument("sort", ReviewSort.Newest));
                // A bad cursor fails this field here: in the batch, it failed every field loaded with it.
                ReviewPageQuery.After(request.Paging, request.Sort);
                return ctx.RequestServices!.GetRequiredService<TLoader>().Load(request);
            });
    }
}
