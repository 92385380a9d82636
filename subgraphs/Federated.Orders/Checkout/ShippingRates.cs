namespace Federated.Orders.Checkout;

public sealed record ShippingRate(string Id, string Carrier, string Service, decimal Price, int EstimatedDays);

/// <summary>
/// Carriers' rate tables: each service has a base price and a price per started kilogram for
/// each zone it serves, and a delivery estimate. Zones: the contiguous US, Alaska and Hawaii,
/// the rest of North America, Europe, and the rest of the world.
/// </summary>
public static class ShippingRates
{
    public const string DestinationUnsupported = "SHIPPING_DESTINATION_UNSUPPORTED";
    public const string RateNotFound = "SHIPPING_RATE_NOT_FOUND";

    private enum Zone { Domestic, DomesticRemote, NorthAmerica, Europe, World }

    private sealed record Service(string Carrier, string Name, Dictionary<Zone, (decimal Base, decimal PerKg, int Days)> Prices, bool Standard);

    private static readonly Service[] Services =
    [
        new("USPS", "Ground Advantage", new() { [Zone.Domestic] = (5.40m, 0.95m, 5), [Zone.DomesticRemote] = (9.80m, 2.10m, 8) }, Standard: true),
        new("USPS", "Priority Mail", new() { [Zone.Domestic] = (9.35m, 1.45m, 3), [Zone.DomesticRemote] = (14.90m, 2.60m, 4), [Zone.NorthAmerica] = (32.50m, 4.20m, 8) }, Standard: false),
        new("UPS", "Ground", new() { [Zone.Domestic] = (8.95m, 1.10m, 4), [Zone.NorthAmerica] = (24.00m, 3.10m, 6) }, Standard: true),
        new("UPS", "2nd Day Air", new() { [Zone.Domestic] = (19.80m, 2.40m, 2), [Zone.DomesticRemote] = (29.50m, 3.90m, 3) }, Standard: false),
        new("FedEx", "Priority Overnight", new() { [Zone.Domestic] = (42.00m, 3.80m, 1), [Zone.NorthAmerica] = (68.00m, 6.50m, 2) }, Standard: false),
        new("DHL", "Express Worldwide", new() { [Zone.NorthAmerica] = (39.00m, 7.50m, 4), [Zone.Europe] = (44.00m, 8.20m, 4), [Zone.World] = (58.00m, 11.40m, 6) }, Standard: false),
        new("DHL", "Economy Select", new() { [Zone.Europe] = (24.00m, 4.30m, 9), [Zone.World] = (31.00m, 6.90m, 14) }, Standard: true),
    ];

    private static readonly HashSet<string> NorthAmerica = ["CA", "MX"];
    private static readonly HashSet<string> Europe = ["AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "NL", "NO", "PL", "PT", "SE"];
    private static readonly HashSet<string> World = ["AU", "JP", "NZ", "SG", "KR"];

    /// <summary>
    /// The rates for a parcel of <paramref name="weightGrams"/>, cheapest first; none for a
    /// destination no carrier serves. <paramref name="freeStandardShipping"/> makes the standard
    /// services free within the US (Alaska, Hawaii and Puerto Rico included), not abroad.
    /// </summary>
    public static IReadOnlyList<ShippingRate> For(Destination destination, int weightGrams, bool freeStandardShipping)
    {
        if (ZoneOf(destination) is not { } zone)
            return [];
        var kilograms = Math.Max(1, (int)Math.Ceiling(weightGrams / 1000m));
        var rates = Services
            .Where(s => s.Prices.ContainsKey(zone))
            .Select(s =>
            {
                var (basePrice, perKg, days) = s.Prices[zone];
                // Free standard shipping (a code's) is a domestic offer: a parcel abroad pays its way, and its VAT.
                var price = s.Standard && freeStandardShipping && zone is Zone.Domestic or Zone.DomesticRemote ? 0m : basePrice + perKg * (kilograms - 1);
                return new ShippingRate(RateId(s, zone), s.Carrier, s.Name, price, days);
            })
            .OrderBy(r => r.Price).ThenBy(r => r.EstimatedDays).ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        return rates;
    }

    private static Zone? ZoneOf(Destination destination) => destination.Country switch
    {
        "US" when destination.Region is "AK" or "HI" or "PR" => Zone.DomesticRemote,
        "US" => Zone.Domestic,
        var c when NorthAmerica.Contains(c) => Zone.NorthAmerica,
        var c when Europe.Contains(c) => Zone.Europe,
        var c when World.Contains(c) => Zone.World,
        _ => null,
    };

    private static string RateId(Service service, Zone zone) =>
        $"{service.Carrier}-{service.Name}-{zone}".Replace(' ', '-').ToLowerInvariant();
}
