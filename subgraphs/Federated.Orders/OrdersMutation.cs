using Federated.Orders.Carts;
using Federated.Orders.Checkout;
using Federated.Orders.Orders;
using GraphQL.Types;

namespace Federated.Orders;

public sealed class OrdersMutation : ObjectGraphType
{
    public OrdersMutation()
    {
        Name = "Mutation";
        CartOperations.AddMutationsTo(this);
        ShippingOperations.AddTo(this);
        OrderOperations.AddMutationsTo(this);
        HoldReviews.AddMutationsTo(this);
        RefundOperations.AddMutationsTo(this);
    }
}
