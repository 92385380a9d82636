using Federated.Catalog.Data;
using GraphQL.Types;

namespace Federated.Catalog.Products;

public sealed class AttributeType : ObjectGraphType<ProductAttribute>
{
    public AttributeType()
    {
        Name = "Attribute";
        Field(a => a.Name);
        Field(a => a.Value);
    }
}
