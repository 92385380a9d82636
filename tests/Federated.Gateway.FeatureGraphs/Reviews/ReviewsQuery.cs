using Federated.Gateway.FeatureGraphs.Data;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Reviews;

public sealed class ReviewsQuery : ObjectGraphType
{
    public ReviewsQuery()
    {
        Name = "Query";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewType>>>>("reviews").Resolve(ctx => ctx.State().Reviews);
        Field<ReviewType>("review")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx => ctx.State().Reviews.FirstOrDefault(r => r.Id == ctx.GetArgument<string>("id")));
        // Shareable: products answers it too, with the same product.
        Field<ProductType>("featuredProduct").Resolve(_ => new ProductKey { Upc = State.FeaturedUpc }).Shareable();
        // SearchResult is products' union too: composed, its members come from two subgraphs.
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewSearchResultUnion>>>>("searchReviews")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .Resolve(ctx => ctx.State().Reviews.Where(r => r.Body.Contains(ctx.GetArgument<string>("text"), StringComparison.OrdinalIgnoreCase)));
        // The account with the most reviews; this subgraph knows accounts only as the @interfaceObject.
        Field<AccountObjectType>("topAccount").Resolve(ctx => new AccountRef
        {
            Id = ctx.State().Reviews.GroupBy(r => r.AuthorId).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key,
        });
    }
}

public sealed class ReviewsMutation : ObjectGraphType
{
    public ReviewsMutation()
    {
        Name = "Mutation";
        Field<ReviewType>("addReview")
            .Argument<NonNullGraphType<IdGraphType>>("upc")
            .Argument<NonNullGraphType<StringGraphType>>("body")
            .Resolve(ctx =>
            {
                var (upc, body) = (ctx.GetArgument<string>("upc"), ctx.GetArgument<string>("body"));
                return ctx.World().Change(state =>
                {
                    var review = new ReviewRecord($"r{state.Reviews.Count + 1}", upc, "u1", body, 5, [], SellerHandle: null, MediaId: null);
                    return (state with { Reviews = [.. state.Reviews, review] }, review);
                });
            });
    }
}
