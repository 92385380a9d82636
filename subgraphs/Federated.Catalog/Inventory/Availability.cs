namespace Federated.Catalog.Inventory;

public enum Availability
{
    InStock,
    LowStock,
    OutOfStock,
}

public static class AvailabilityRules
{
    /// <summary>A product with at most this many units available (all variants, all centers) is LOW_STOCK.</summary>
    public const int LowStockThreshold = 10;

    public static Availability Of(int quantityAvailable) => quantityAvailable switch
    {
        <= 0 => Availability.OutOfStock,
        <= LowStockThreshold => Availability.LowStock,
        _ => Availability.InStock,
    };
}
