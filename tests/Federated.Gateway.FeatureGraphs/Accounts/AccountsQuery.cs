using Federated.Gateway.FeatureGraphs.Data;
using GraphQL;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Accounts;

public sealed class AccountsQuery : ObjectGraphType
{
    public AccountsQuery()
    {
        Name = "Query";
        Field<UserType>("me").Resolve(ctx => ctx.State().Account("u1"));
        Field<UserType>("user")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx => ctx.State().Account(ctx.GetArgument<string>("id")) is { AdminLevel: null } user ? user : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AccountInterface>>>>("accounts").Resolve(ctx => ctx.State().Accounts);
    }
}

public sealed class AccountsMutation : ObjectGraphType
{
    public AccountsMutation()
    {
        Name = "Mutation";
        Field<UserType>("renameUser")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Argument<NonNullGraphType<StringGraphType>>("name")
            .Resolve(ctx =>
            {
                var (id, name) = (ctx.GetArgument<string>("id"), ctx.GetArgument<string>("name"));
                return ctx.World().Change(state =>
                {
                    var user = state.Account(id) ?? throw WorldAccess.Failure($"No user {id}.", "NOT_FOUND");
                    var renamed = user with { Name = name };
                    return (state with { Accounts = [.. state.Accounts.Select(a => a.Id == id ? renamed : a)] }, renamed);
                });
            });
    }
}
