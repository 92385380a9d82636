using Federated.Catalog.Categories;
using Federated.Catalog.Products;
using GraphQL.Types;

namespace Federated.Catalog;

public sealed class CatalogQuery : ObjectGraphType
{
    public CatalogQuery()
    {
        Name = "Query";
        ProductQueries.AddTo(this);
        CategoryQueries.AddTo(this);
    }
}
