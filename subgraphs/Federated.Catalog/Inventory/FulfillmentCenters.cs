namespace Federated.Catalog.Inventory;

/// <summary>The warehouses stock is kept in. A fixed list until fulfillment gets its own service.</summary>
public static class FulfillmentCenters
{
    public const string East = "FC-EAST";
    public const string West = "FC-WEST";
    public const string Central = "FC-CENTRAL";

    public static readonly IReadOnlyList<string> All = [East, West, Central];

    public static bool Exists(string code) => All.Contains(code, StringComparer.Ordinal);
}
