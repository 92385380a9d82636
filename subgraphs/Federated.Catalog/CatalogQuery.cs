using Federated.Catalog.Categories;
using Federated.Catalog.Inventory;
using Federated.Catalog.Products;
using Federated.Catalog.Search;
using GraphQL.Types;

namespace Federated.Catalog;

public sealed class CatalogQuery : ObjectGraphType
{
    public CatalogQuery()
    {
        Name = "Query";
        ProductQueries.AddTo(this);
        SearchQueries.AddTo(this);
        CategoryQueries.AddTo(this);
        ReservationMutations.AddQueriesTo(this);
    }
}
