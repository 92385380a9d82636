using Federated.Orders.Carts;
using GraphQL.Types;

namespace Federated.Orders;

public sealed class OrdersQuery : ObjectGraphType
{
    public OrdersQuery()
    {
        Name = "Query";
        CartOperations.AddQueriesTo(this);
    }
}
