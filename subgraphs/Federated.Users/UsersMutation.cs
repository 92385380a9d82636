using Federated.Users.Accounts;
using Federated.Users.Addresses;
using GraphQL.Types;

namespace Federated.Users;

public sealed class UsersMutation : ObjectGraphType
{
    public UsersMutation()
    {
        Name = "Mutation";
        AccountMutations.AddTo(this);
        SignOutMutations.AddTo(this);
        AddressMutations.AddTo(this);
    }
}
