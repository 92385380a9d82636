using Federated.Catalog.Data;
using GraphQL.Types;

namespace Federated.Catalog.Categories;

public sealed class CategoryType : ObjectGraphType<Category>
{
    public CategoryType()
    {
        Name = "Category";
        Field(c => c.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(c => c.Name);
        Field<CategoryType>("parent")
            .Resolve(ctx => ctx.Source.ParentId is { } parentId
                ? ctx.RequestServices!.GetRequiredService<CategoryByIdDataLoader>().Load(parentId)
                : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CategoryType>>>>("children")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<CategoryChildrenDataLoader>().Load(ctx.Source.Id));
    }
}
