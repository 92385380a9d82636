using System.Text.RegularExpressions;
using Federated.Kit.Errors;
using GraphQL.Types;

namespace Federated.Orders.Checkout;

public sealed partial record AddressInput(string Name, string Line1, string? Line2, string City, string? Region, string PostalCode, string Country)
{
    public Destination Destination => Destination.Of(Country, Region);

    /// <summary>Problems with the address, each with its field path under <paramref name="path"/>.</summary>
    public List<UserError> Validate(params string[] path)
    {
        var errors = new List<UserError>();
        Required(Name, 100, "name");
        Required(Line1, 200, "line1");
        Required(City, 100, "city");
        Required(PostalCode, 20, "postalCode");
        Optional(Line2, 200, "line2");
        Optional(Region, 100, "region");
        if (!CountryCode().IsMatch(Country.Trim().ToUpperInvariant()))
            errors.Add(new(AddressErrors.Invalid, "'country' must be an ISO 3166-1 alpha-2 code, such as US or DE.", [.. path, "country"]));
        return errors;

        void Required(string value, int max, string field)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Length > max)
                errors.Add(new(AddressErrors.Invalid, $"'{field}' is required, at most {max} characters.", [.. path, field]));
        }

        void Optional(string? value, int max, string field)
        {
            if (value?.Length > max)
                errors.Add(new(AddressErrors.Invalid, $"'{field}' must be at most {max} characters.", [.. path, field]));
        }
    }

    [GeneratedRegex("^[A-Z]{2}\\z")]
    private static partial Regex CountryCode();
}

public static class AddressErrors
{
    public const string Invalid = "INVALID_ADDRESS";
}

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
