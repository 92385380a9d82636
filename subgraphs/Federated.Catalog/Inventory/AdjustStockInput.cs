using GraphQL.Types;

namespace Federated.Catalog.Inventory;

public sealed record AdjustStockInput(string Sku, string FulfillmentCenter, int Delta);

public sealed class AdjustStockInputType : InputObjectGraphType<AdjustStockInput>
{
    public AdjustStockInputType()
    {
        Name = "AdjustStockInput";
        Field(i => i.Sku, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.FulfillmentCenter).Description("FC-EAST, FC-WEST or FC-CENTRAL.");
        Field(i => i.Delta).Description("Units received (positive) or written off (negative); on hand may not drop below what is reserved.");
    }
}
