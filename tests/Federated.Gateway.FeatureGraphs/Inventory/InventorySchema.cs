using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Inventory;

/// <summary>
/// Stock by SKU (products' second key): <c>inStock</c> taken over from products (@override),
/// <c>shippingEstimate</c> computed from products' price and weight in kilograms (@requires with a field
/// argument), warehouses (a compound key) and sellers known only by VAT id (the end of the key chain).
/// One product is discontinued (its entity fetch fails) and one is being counted (its stock fails).
/// </summary>
public sealed class InventorySchema : Schema
{
    public InventorySchema(IServiceProvider services) : base(services)
    {
        Query = services.GetRequiredService<InventoryQuery>();
        Mutation = services.GetRequiredService<InventoryMutation>();
        RegisterType(typeof(SellerType));
    }
}
