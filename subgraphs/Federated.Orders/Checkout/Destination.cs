namespace Federated.Orders.Checkout;

/// <summary>Where an order ships: what shipping rates and taxes depend on.</summary>
public sealed record Destination(string Country, string? Region)
{
    /// <summary>
    /// The destination of an address as written: a US state by its name as by its code
    /// ("Illinois", "IL"), and Puerto Rico by its own country code as by the US and its region,
    /// as a saved address may have it (the users service stores addresses as written).
    /// </summary>
    public static Destination Of(string country, string? region)
    {
        var (code, area) = (country.Trim().ToUpperInvariant(), string.IsNullOrWhiteSpace(region) ? null : region.Trim());
        if (code == "PR")
            return new Destination("US", "PR");
        if (code == "US" && area is not null && StateCodes.TryGetValue(string.Join(' ', area.Split(' ', StringSplitOptions.RemoveEmptyEntries)), out var state))
            return new Destination(code, state);
        return new Destination(code, area?.ToUpperInvariant());
    }

    private static readonly Dictionary<string, string> StateCodes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Alabama"] = "AL", ["Alaska"] = "AK", ["Arizona"] = "AZ", ["Arkansas"] = "AR", ["California"] = "CA", ["Colorado"] = "CO",
        ["Connecticut"] = "CT", ["Delaware"] = "DE", ["District of Columbia"] = "DC", ["Florida"] = "FL", ["Georgia"] = "GA",
        ["Hawaii"] = "HI", ["Idaho"] = "ID", ["Illinois"] = "IL", ["Indiana"] = "IN", ["Iowa"] = "IA", ["Kansas"] = "KS",
        ["Kentucky"] = "KY", ["Louisiana"] = "LA", ["Maine"] = "ME", ["Maryland"] = "MD", ["Massachusetts"] = "MA", ["Michigan"] = "MI",
        ["Minnesota"] = "MN", ["Mississippi"] = "MS", ["Missouri"] = "MO", ["Montana"] = "MT", ["Nebraska"] = "NE", ["Nevada"] = "NV",
        ["New Hampshire"] = "NH", ["New Jersey"] = "NJ", ["New Mexico"] = "NM", ["New York"] = "NY", ["North Carolina"] = "NC",
        ["North Dakota"] = "ND", ["Ohio"] = "OH", ["Oklahoma"] = "OK", ["Oregon"] = "OR", ["Pennsylvania"] = "PA", ["Puerto Rico"] = "PR",
        ["Rhode Island"] = "RI", ["South Carolina"] = "SC", ["South Dakota"] = "SD", ["Tennessee"] = "TN", ["Texas"] = "TX", ["Utah"] = "UT",
        ["Vermont"] = "VT", ["Virginia"] = "VA", ["Washington"] = "WA", ["West Virginia"] = "WV", ["Wisconsin"] = "WI", ["Wyoming"] = "WY",
    };
}
