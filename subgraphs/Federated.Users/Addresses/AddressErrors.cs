using System.Text.RegularExpressions;
using Federated.Kit.Errors;

namespace Federated.Users.Addresses;

public static partial class AddressErrors
{
    public const string InvalidAddress = "INVALID_ADDRESS";
    public const string NotFound = "ADDRESS_NOT_FOUND";
    public const string TooMany = "TOO_MANY_ADDRESSES";
    public const int MaxPerUser = 20;

    public static UserError NotFoundError(string field = "id") =>
        new(NotFound, "There is no such address in your account.", ["input", field]);

    /// <summary>What is wrong with an address, field by field; empty when it is fine.</summary>
    public static List<UserError> Validate(AddressInput address, params string[] path)
    {
        var errors = new List<UserError>();
        void Require(string? value, string field, int max)
        {
            if (string.IsNullOrWhiteSpace(value))
                errors.Add(new(InvalidAddress, $"'{field}' is required.", [.. path, field]));
            else if (value.Length > max)
                errors.Add(new(InvalidAddress, $"'{field}' must be at most {max} characters.", [.. path, field]));
        }
        void Limit(string? value, string field, int max)
        {
            if (value is not null && value.Length > max)
                errors.Add(new(InvalidAddress, $"'{field}' must be at most {max} characters.", [.. path, field]));
        }
        Require(address.Name, "name", 100);
        Require(address.Line1, "line1", 200);
        Limit(address.Line2, "line2", 200);
        Require(address.City, "city", 100);
        Limit(address.Region, "region", 100);
        Require(address.PostalCode, "postalCode", 20);
        if (!CountryCode().IsMatch(address.Country ?? ""))
            errors.Add(new(InvalidAddress, "'country' must be an ISO 3166-1 alpha-2 code such as US or DE.", [.. path, "country"]));
        return errors;
    }

    [GeneratedRegex("^[A-Z]{2}\\z")]
    private static partial Regex CountryCode();
}
