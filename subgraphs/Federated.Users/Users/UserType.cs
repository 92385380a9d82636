using Federated.Users.Addresses;
using Federated.Users.Data;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Users.Users;

public sealed class UserType : ObjectGraphType<User>
{
    public UserType()
    {
        Name = "User";
        Description = "A customer account. Its email and addresses are visible only to the account's owner and administrators.";
        this.Key("id");
        Field(u => u.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(u => u.Name).Description("The name shown with the user's reviews.");
        Field<StringGraphType>("email")
            .Description("Null, with a FORBIDDEN error, for anyone but the owner or an administrator.")
            .Resolve(ctx => ctx.Private().Email);
        Field<ListGraphType<NonNullGraphType<AddressType>>>("addresses")
            .Description("Null, with a FORBIDDEN error, for anyone but the owner or an administrator. The default shipping address comes first.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<AddressesByUserDataLoader>().Load(ctx.Private().Id));

        this.ResolveReference<UserReference, User>((ctx, reference) =>
            ctx.RequestServices!.GetRequiredService<UserByIdDataLoader>().Load(reference.Id));
    }
}

/// <summary>The representation the gateway sends for a user: its key.</summary>
public sealed class UserReference
{
    public string Id { get; set; } = "";
}
