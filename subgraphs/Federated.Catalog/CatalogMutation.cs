using Federated.Catalog.Inventory;
using Federated.Catalog.Products;
using Federated.Catalog.Variants;
using GraphQL.Types;

namespace Federated.Catalog;

public sealed class CatalogMutation : ObjectGraphType
{
    public CatalogMutation()
    {
        Name = "Mutation";
        ProductMutations.AddTo(this);
        VariantMutations.AddTo(this);
        StockMutations.AddTo(this);
        ReservationMutations.AddTo(this);
    }
}
