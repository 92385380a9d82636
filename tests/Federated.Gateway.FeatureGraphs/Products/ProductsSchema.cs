using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Products;

/// <summary>
/// Products (two keys: upc and sku; <c>inStock</c> moved to inventory with @override; <c>weight</c>
/// takes an argument), books and movies behind the <c>Media</c> interface and the <c>SearchResult</c>
/// union, and the second hop of a seller's key chain (account number to VAT id).
/// </summary>
public sealed class ProductsSchema : Schema
{
    public ProductsSchema(IServiceProvider services) : base(services)
    {
        Query = services.GetRequiredService<ProductsQuery>();
        Mutation = services.GetRequiredService<ProductsMutation>();
        RegisterType(typeof(BookType));
        RegisterType(typeof(MovieType));
        RegisterType(typeof(SellerType));
    }
}
