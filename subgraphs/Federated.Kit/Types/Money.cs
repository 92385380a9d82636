namespace Federated.Kit.Types;

/// <summary>An exact amount in a currency (ISO 4217 code).</summary>
public readonly record struct Money(decimal Amount, string CurrencyCode);
