using Federated.Kit.Identity;
using GraphQL;
using GraphQL.Types;

namespace Federated.Users.Users;

public static class UserQueries
{
    public static void AddTo(ObjectGraphType query)
    {
        query.Field<UserType>("me")
            .Description("The signed-in user; null for an anonymous request.")
            .Resolve(ctx => ctx.CurrentUser().Id is { } id
                ? ctx.RequestServices!.GetRequiredService<UserByIdDataLoader>().Load(id)
                : null);

        query.Field<UserType>("user")
            .Description("Any user by id: administrators only.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx =>
            {
                ctx.CurrentUser().RequireAdmin();
                return ctx.RequestServices!.GetRequiredService<UserByIdDataLoader>().Load(ctx.GetArgument<string>("id"));
            });
    }
}
