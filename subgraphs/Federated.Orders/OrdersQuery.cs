using Federated.Orders.Carts;
using Federated.Orders.Orders;
using GraphQL.Types;

namespace Federated.Orders;

public sealed class OrdersQuery : ObjectGraphType
{
    public OrdersQuery()
    {
        Name = "Query";
        CartOperations.AddQueriesTo(this);
        OrderOperations.AddQueriesTo(this);
        HoldReviews.AddQueriesTo(this);
    }
}
