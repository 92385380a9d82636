using GraphQL.Types;

namespace Federated.Users.Addresses;

public sealed record AddressInput
{
    public string Name { get; init; } = "";
    public string Line1 { get; init; } = "";
    public string? Line2 { get; init; }
    public string City { get; init; } = "";
    public string? Region { get; init; }
    public string PostalCode { get; init; } = "";
    public string Country { get; init; } = "";
}

public sealed record UpdateAddressInput
{
    public string Id { get; init; } = "";
    public AddressInput? Address { get; init; }
    public bool? DefaultShipping { get; init; }
}

public sealed record RemoveAddressInput
{
    public string Id { get; init; } = "";
}

/// <summary>The same shape as the orders service's AddressInput: the two must stay identical to compose.</summary>
public sealed class AddressInputType : InputObjectGraphType<AddressInput>
{
    public AddressInputType()
    {
        Name = "AddressInput";
        Field(a => a.Name);
        Field(a => a.Line1);
        Field(a => a.Line2, nullable: true);
        Field(a => a.City);
        Field(a => a.Region, nullable: true);
        Field(a => a.PostalCode);
        Field(a => a.Country).Description("ISO 3166-1 alpha-2, e.g. US, DE.");
    }
}

public sealed class UpdateAddressInputType : InputObjectGraphType<UpdateAddressInput>
{
    public UpdateAddressInputType()
    {
        Name = "UpdateAddressInput";
        Field(a => a.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(a => a.Address, type: typeof(AddressInputType)).Description("The new address, replacing the old one whole; omit to keep it.");
        Field(a => a.DefaultShipping, nullable: true).Description("true makes this the default shipping address.");
    }
}

public sealed class RemoveAddressInputType : InputObjectGraphType<RemoveAddressInput>
{
    public RemoveAddressInputType()
    {
        Name = "RemoveAddressInput";
        Field(a => a.Id, type: typeof(NonNullGraphType<IdGraphType>));
    }
}
