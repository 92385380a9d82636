using Federated.Kit.Errors;
using Federated.Kit.Types;
using Federated.Users.Data;
using Federated.Users.Users;
using GraphQL.Types;

namespace Federated.Users.Addresses;

public sealed record AddressPayload(Address? Address, User? User, IReadOnlyList<UserError> Errors)
{
    public static AddressPayload Failed(params UserError[] errors) => new(null, null, errors);
}

public sealed class AddressPayloadType : ObjectGraphType<AddressPayload>
{
    public AddressPayloadType()
    {
        Name = "AddressPayload";
        Field(p => p.Address, type: typeof(AddressType)).Description("The address added or changed; null when removed or on errors.");
        Field(p => p.User, type: typeof(UserType)).Description("The account, with its addresses after the change.");
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
