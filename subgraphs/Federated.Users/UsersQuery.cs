using Federated.Users.Users;
using GraphQL.Types;

namespace Federated.Users;

public sealed class UsersQuery : ObjectGraphType
{
    public UsersQuery()
    {
        Name = "Query";
        UserQueries.AddTo(this);
    }
}
