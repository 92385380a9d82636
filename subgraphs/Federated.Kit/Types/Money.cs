namespace Federated.Kit.Types;

/// <summary>
/// An exact amount in a currency (ISO 4217 code), always with at least two decimals: a free
/// rate or an empty cart reads "0.00", as an order stored by PostgreSQL does, not "0".
/// </summary>
public readonly record struct Money(decimal Amount, string CurrencyCode)
{
    public decimal Amount { get; } = Amount + 0.00m;

    /// <summary>An amount in cents with two decimals, rounded half away from zero as tax, discounts and refunds are ("19.990" is 19.99).</summary>
    public static decimal Cents(decimal amount) => Math.Round(amount, 2, MidpointRounding.AwayFromZero) + 0.00m;
}
