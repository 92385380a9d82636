using Federated.Catalog.Data;
using Federated.Kit.Errors;
using Federated.Kit.Types;
using GraphQL.Types;

namespace Federated.Catalog.Products;

public sealed record ProductPayload(Product? Product, IReadOnlyList<UserError> Errors)
{
    public static ProductPayload Failed(params UserError[] errors) => new(null, errors);
}

public sealed class ProductPayloadType : ObjectGraphType<ProductPayload>
{
    public ProductPayloadType()
    {
        Name = "ProductPayload";
        Field(p => p.Product, type: typeof(ProductType)).Description("The product after the change; null on errors.");
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
