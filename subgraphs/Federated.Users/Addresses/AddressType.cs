using Federated.Users.Data;
using GraphQL.Types;

namespace Federated.Users.Addresses;

public sealed class AddressType : ObjectGraphType<Address>
{
    public AddressType()
    {
        Name = "Address";
        Field(a => a.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(a => a.Name).Description("Who receives deliveries here.");
        Field(a => a.Line1);
        Field(a => a.Line2, nullable: true);
        Field(a => a.City);
        Field(a => a.Region, nullable: true);
        Field(a => a.PostalCode);
        Field(a => a.Country).Description("ISO 3166-1 alpha-2.");
        Field(a => a.DefaultShipping).Description("Whether orders ship here unless told otherwise; exactly one address of a user is.");
    }
}
