using Federated.Catalog.Data;
using Federated.Catalog.Products;
using Federated.Kit.Errors;
using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Kit.Paging;
using GraphQL;
using GraphQL.Types;
using Marten;
using Npgsql;

namespace Federated.Catalog.Search;

/// <summary><c>products</c> (browse: filter, sort, page) and <c>search</c> (the same, matching words).</summary>
public static class SearchQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ProductConnectionType>>("products")
            .Description("Products, filtered and sorted, a page at a time; by id unless sorted.")
            .Argument<IntGraphType>("first", $"Page size: default {PagingArguments.DefaultPageSize}, at most {PagingArguments.MaxPageSize}.")
            .Argument<StringGraphType>("after", "The endCursor of the previous page (of the same filter and sort).")
            .Argument<ProductFilterInputType>("filter")
            .Argument<ProductSortType>("sort")
            .ResolveAsync(async ctx =>
            {
                var result = await RunAsync(ctx, tsQuery: null, withFacets: false);
                return Page(result, ctx);
            });

        query.Field<NonNullGraphType<SearchResultType>>("search")
            .Description("Products matching the words of 'query', best match first unless sorted. Small misspellings are "
                + "forgiven and the last word matches as a prefix, so it serves search as you type.")
            .Argument<NonNullGraphType<StringGraphType>>("query")
            .Argument<IntGraphType>("first", $"Page size: default {PagingArguments.DefaultPageSize}, at most {PagingArguments.MaxPageSize}.")
            .Argument<StringGraphType>("after", "The endCursor of the previous page (of the same query, filter and sort).")
            .Argument<ProductFilterInputType>("filter")
            .Argument<ProductSortType>("sort")
            .ResolveAsync(async ctx =>
            {
                var text = SearchText.Parse(ctx.GetArgument<string>("query"));
                if (text.Words.Count == 0)
                    throw GraphQLFailure.BadUserInput("'query' needs at least one letter or digit.");
                var tsQuery = await text.ToTsQueryAsync(ctx.RequestServices!.GetRequiredKeyedService<NpgsqlDataSource>(PostgresStore.PlannedPerCall), ctx.CancellationToken);
                var result = await RunAsync(ctx, tsQuery, withFacets: ctx.AsksFor("facets"));
                return new SearchResults(Page(result, ctx), result.Facets);
            });
    }

    private static Task<ProductListResult> RunAsync(IResolveFieldContext ctx, SearchTsQuery? tsQuery, bool withFacets)
    {
        var filter = ctx.GetArgument<ProductFilter?>("filter") ?? new ProductFilter();
        filter.Validate();
        var list = new ProductListQuery
        {
            Filter = filter,
            Query = tsQuery,
            Sort = ctx.GetArgument<ProductSort?>("sort"),
            Paging = PagingArguments.From(ctx),
            WithTotal = ctx.AsksFor("totalCount"),
            WithFacets = withFacets,
        };
        var services = ctx.RequestServices!;
        return list.RunAsync(services.GetRequiredKeyedService<NpgsqlDataSource>(PostgresStore.PlannedPerCall),
            services.GetRequiredService<IDocumentStore>().Options.Serializer(), ctx.CancellationToken);
    }

    private static Connection<Product> Page(ProductListResult result, IResolveFieldContext ctx)
    {
        var cursors = result.Rows.ToDictionary(r => r.Product.Id, r => r.Cursor);
        return Connection<Product>.FromRows([.. result.Rows.Select(r => r.Product)], PagingArguments.From(ctx), p => cursors[p.Id], result.TotalCount);
    }
}
