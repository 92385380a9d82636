using Federated.Catalog.Data;
using Federated.Kit.Paging;
using GraphQL;
using GraphQL.Types;
using Marten;

namespace Federated.Catalog.Products;

public static class ProductQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<ProductType>("product")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<ProductByIdDataLoader>().Load(ctx.GetArgument<string>("id")));

        query.Field<NonNullGraphType<ProductConnectionType>>("products")
            .Description("All products, in a stable order, a page at a time.")
            .Argument<IntGraphType>("first", $"Page size: default {PagingArguments.DefaultPageSize}, at most {PagingArguments.MaxPageSize}.")
            .Argument<StringGraphType>("after", "The endCursor of the previous page.")
            .ResolveAsync(async ctx =>
            {
                var paging = PagingArguments.From(ctx);
                var after = paging.AfterKey<string[]>()?.FirstOrDefault();
                var session = ctx.RequestServices!.GetRequiredService<IQuerySession>();
                var rows = await session.QueryAsync<Product>(
                    "where (? is null or d.id > ?) order by d.id limit ?", ctx.CancellationToken, after!, after!, paging.Limit);
                int? total = ctx.SubFields!.ContainsKey("totalCount")
                    ? await session.Query<Product>().CountAsync(ctx.CancellationToken)
                    : null;
                return Connection<Product>.FromRows(rows, paging, p => Cursor.Encode(new[] { p.Id }), total);
            });
    }
}
