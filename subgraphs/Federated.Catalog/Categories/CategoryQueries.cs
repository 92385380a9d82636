using Federated.Catalog.Data;
using GraphQL;
using GraphQL.Types;
using Marten;

namespace Federated.Catalog.Categories;

public static class CategoryQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<NonNullGraphType<ListGraphType<NonNullGraphType<CategoryType>>>>("categories")
            .Description("The roots of the category tree; descend with Category.children.")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<IQuerySession>()
                .Query<Category>().Where(c => c.ParentId == null).OrderBy(c => c.Name).ToListAsync(ctx.CancellationToken));

        query.Field<CategoryType>("category")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<CategoryByIdDataLoader>().Load(ctx.GetArgument<string>("id")));
    }
}
