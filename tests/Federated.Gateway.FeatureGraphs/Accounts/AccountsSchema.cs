using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Accounts;

/// <summary>
/// Users and administrators (an entity interface, <c>Account</c>, whose fields the reviews subgraph
/// extends through <c>@interfaceObject</c>), their orgs, the managers of inventory's warehouses (a
/// compound key) and the first hop of a seller's key chain (handle to account number).
/// </summary>
public sealed class AccountsSchema : Schema
{
    public AccountsSchema(IServiceProvider services) : base(services)
    {
        Query = services.GetRequiredService<AccountsQuery>();
        Mutation = services.GetRequiredService<AccountsMutation>();
        // Entities no root field returns would be dropped (ARCHITECTURE.md, "Facts found by trying").
        RegisterType(typeof(UserType));
        RegisterType(typeof(AdminType));
        RegisterType(typeof(WarehouseType));
        RegisterType(typeof(SellerType));
    }
}
