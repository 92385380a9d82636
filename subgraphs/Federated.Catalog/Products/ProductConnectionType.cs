using Federated.Catalog.Data;
using Federated.Kit.Types;

namespace Federated.Catalog.Products;

public sealed class ProductConnectionType : ConnectionType<ProductType, Product>
{
    public ProductConnectionType() => AddTotalCount();
}
