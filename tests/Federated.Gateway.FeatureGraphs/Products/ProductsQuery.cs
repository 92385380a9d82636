using Federated.Gateway.FeatureGraphs.Data;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Products;

public sealed class ProductsQuery : ObjectGraphType
{
    public ProductsQuery()
    {
        Name = "Query";
        Field<ProductType>("product")
            .Argument<NonNullGraphType<IdGraphType>>("upc")
            .Resolve(ctx => ctx.State().ProductByUpc(ctx.GetArgument<string>("upc")));
        // Shareable: reviews answers it too, with the same product.
        Field<ProductType>("featuredProduct").Resolve(ctx => ctx.State().ProductByUpc(State.FeaturedUpc)).Shareable();
        // Moving to inventory by progressive override (percent(90)).
        Field<NonNullGraphType<StringGraphType>>("storeNotice").Resolve(_ => "catalog: no notice");
        // Nullable items: a product that an entity fetch fails for becomes null alone.
        Field<NonNullGraphType<ListGraphType<ProductType>>>("products").Resolve(ctx => ctx.State().Products);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<MediaInterface>>>>("media").Resolve(ctx => ctx.State().Media);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<SearchResultUnion>>>>("search")
            .Argument<NonNullGraphType<StringGraphType>>("text")
            .Resolve(ctx =>
            {
                var text = ctx.GetArgument<string>("text");
                var state = ctx.State();
                return state.Products.Where(p => p.Name.Contains(text, StringComparison.OrdinalIgnoreCase)).Cast<object>()
                    .Concat(state.Media.Where(m => m.Title.Contains(text, StringComparison.OrdinalIgnoreCase)))
                    .ToList();
            });
    }
}

public sealed class ProductsMutation : ObjectGraphType
{
    public ProductsMutation()
    {
        Name = "Mutation";
        Field<ProductType>("setPrice")
            .Argument<NonNullGraphType<IdGraphType>>("upc")
            .Argument<NonNullGraphType<IntGraphType>>("price")
            .Resolve(ctx =>
            {
                var (upc, price) = (ctx.GetArgument<string>("upc"), ctx.GetArgument<int>("price"));
                return ctx.World().Change(state =>
                {
                    var product = state.ProductByUpc(upc) ?? throw WorldAccess.Failure($"No product {upc}.", "NOT_FOUND");
                    var changed = product with { Price = price };
                    return (state with { Products = [.. state.Products.Select(p => p.Upc == upc ? changed : p)] }, changed);
                });
            });
    }
}
