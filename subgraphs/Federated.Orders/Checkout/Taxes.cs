namespace Federated.Orders.Checkout;

/// <summary>
/// Sales tax and VAT by destination, on prices shown without tax. US states charge their
/// state base rate on goods after discounts (shipping untaxed); VAT and GST countries also tax
/// shipping. Local (county, city) taxes are not modelled: a production store would call a
/// tax service here. Unknown destinations are refused before tax is computed, by shipping.
/// </summary>
public static class Taxes
{
    private static readonly Dictionary<string, decimal> UsStates = new()
    {
        ["AL"] = 4m, ["AK"] = 0m, ["AZ"] = 5.6m, ["AR"] = 6.5m, ["CA"] = 7.25m, ["CO"] = 2.9m, ["CT"] = 6.35m, ["DE"] = 0m, ["DC"] = 6m,
        ["FL"] = 6m, ["GA"] = 4m, ["HI"] = 4m, ["ID"] = 6m, ["IL"] = 6.25m, ["IN"] = 7m, ["IA"] = 6m, ["KS"] = 6.5m, ["KY"] = 6m,
        ["LA"] = 4.45m, ["ME"] = 5.5m, ["MD"] = 6m, ["MA"] = 6.25m, ["MI"] = 6m, ["MN"] = 6.875m, ["MS"] = 7m, ["MO"] = 4.225m,
        ["MT"] = 0m, ["NE"] = 5.5m, ["NV"] = 6.85m, ["NH"] = 0m, ["NJ"] = 6.625m, ["NM"] = 4.875m, ["NY"] = 4m, ["NC"] = 4.75m,
        ["ND"] = 5m, ["OH"] = 5.75m, ["OK"] = 4.5m, ["OR"] = 0m, ["PA"] = 6m, ["PR"] = 10.5m, ["RI"] = 7m, ["SC"] = 6m, ["SD"] = 4.2m,
        ["TN"] = 7m, ["TX"] = 6.25m, ["UT"] = 4.85m, ["VT"] = 6m, ["VA"] = 5.3m, ["WA"] = 6.5m, ["WV"] = 6m, ["WI"] = 5m, ["WY"] = 4m,
    };

    private static readonly Dictionary<string, decimal> Vat = new()
    {
        ["AT"] = 20m, ["BE"] = 21m, ["CH"] = 8.1m, ["CZ"] = 21m, ["DE"] = 19m, ["DK"] = 25m, ["ES"] = 21m, ["FI"] = 25.5m, ["FR"] = 20m,
        ["GB"] = 20m, ["IE"] = 23m, ["IT"] = 22m, ["NL"] = 21m, ["NO"] = 25m, ["PL"] = 23m, ["PT"] = 23m, ["SE"] = 25m,
        ["CA"] = 5m, ["MX"] = 16m, ["AU"] = 10m, ["JP"] = 10m, ["NZ"] = 15m, ["SG"] = 9m, ["KR"] = 10m,
    };

    public const string UnknownRegion = "UNKNOWN_REGION";

    /// <summary>The tax rate in percent, and whether shipping is taxed; null for a US address without a known state.</summary>
    public static (decimal Percent, bool TaxesShipping)? RateFor(Destination destination) => destination.Country switch
    {
        "US" => destination.Region is { } state && UsStates.TryGetValue(state, out var rate) ? (rate, false) : null,
        var country when Vat.TryGetValue(country, out var vat) => (vat, true),
        _ => null,
    };

    /// <summary>Tax to the cent, rounded half away from zero, on goods after discount plus (where taxed) shipping.</summary>
    public static decimal Compute((decimal Percent, bool TaxesShipping) rate, decimal goodsAfterDiscount, decimal shipping) =>
        Math.Round((goodsAfterDiscount + (rate.TaxesShipping ? shipping : 0m)) * rate.Percent / 100m, 2, MidpointRounding.AwayFromZero);
}
