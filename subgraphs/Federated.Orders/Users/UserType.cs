using Federated.Orders.Orders;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Orders.Users;

/// <summary>The users service's account, extended with its orders.</summary>
public sealed class UserType : ObjectGraphType<UserReference>
{
    public UserType()
    {
        Name = "User";
        this.Key("id");
        Field(u => u.Id, type: typeof(NonNullGraphType<IdGraphType>));
        OrderOperations.AddOrdersField(this);

        this.ResolveReference<UserReference>((_, reference) => reference);
    }
}

public sealed class UserReference
{
    public string Id { get; set; } = "";
}
