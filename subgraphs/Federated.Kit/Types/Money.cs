namespace Federated.Kit.Types;

/// <summary>
/// An exact amount in a currency (ISO 4217 code), always with at least two decimals: a free
/// rate or an empty cart reads "0.00", as an order stored by PostgreSQL does, not "0".
/// </summary>
public readonly record struct Money(decimal Amount, string CurrencyCode)
{
    public decimal Amount { get; } = Amount + 0.00m;
}
