namespace Federated.Orders.Checkout;

/// <summary>Where an order ships: what shipping rates and taxes depend on.</summary>
public sealed record Destination(string Country, string? Region)
{
    public static Destination Of(string country, string? region) =>
        new(country.Trim().ToUpperInvariant(), string.IsNullOrWhiteSpace(region) ? null : region.Trim().ToUpperInvariant());
}
