using Federated.Orders.Data;

namespace Federated.Orders.Fulfillment;

/// <summary>Which fulfillment centers ship to an address, nearest first (a simple region table).</summary>
public static class Centers
{
    public const string East = "FC-EAST";
    public const string West = "FC-WEST";
    public const string Central = "FC-CENTRAL";

    private static readonly HashSet<string> WesternStates = ["WA", "OR", "CA", "NV", "ID", "UT", "AZ", "AK", "HI", "MT", "WY", "CO", "NM"];
    private static readonly HashSet<string> CentralStates = ["TX", "OK", "KS", "NE", "SD", "ND", "MN", "IA", "MO", "AR", "LA", "WI", "IL", "MI", "IN", "OH", "KY", "TN", "MS", "AL"];
    private static readonly HashSet<string> PacificCountries = ["AU", "JP", "NZ", "SG", "KR"];

    public static IReadOnlyList<string> PreferredCenters(ShippingAddress address) => address.Country switch
    {
        "US" when address.Region is { } s && WesternStates.Contains(s) => [West, Central, East],
        "US" when address.Region is { } s && CentralStates.Contains(s) => [Central, East, West],
        "US" => [East, Central, West],
        "CA" or "MX" => [Central, West, East],
        var c when PacificCountries.Contains(c) => [West, Central, East],
        _ => [East, Central, West],
    };
}
