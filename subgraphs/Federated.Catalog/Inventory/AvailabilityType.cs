using GraphQL.Types;

namespace Federated.Catalog.Inventory;

public sealed class AvailabilityType : EnumerationGraphType<Availability>
{
    public AvailabilityType()
    {
        Name = "Availability";
        Description = $"Units available across all variants and fulfillment centers: none is OUT_OF_STOCK, 1 to {AvailabilityRules.LowStockThreshold} LOW_STOCK, more IN_STOCK.";
    }
}
