using Federated.Catalog.Data;
using Federated.Catalog.Variants;
using Federated.Kit.Errors;
using Federated.Kit.Types;
using GraphQL.Types;

namespace Federated.Catalog.Inventory;

public sealed record StockLevel(string FulfillmentCenter, int OnHand, int Reserved);

public sealed record StockPayload(ProductVariant? Variant, StockLevel? StockLevel, IReadOnlyList<UserError> Errors)
{
    public static StockPayload Failed(params UserError[] errors) => new(null, null, errors);
}

public sealed class StockLevelType : ObjectGraphType<StockLevel>
{
    public StockLevelType()
    {
        Name = "StockLevel";
        Description = "A variant's stock in one fulfillment center.";
        Field(s => s.FulfillmentCenter);
        Field(s => s.OnHand);
        Field(s => s.Reserved).Description("Held for orders not yet shipped.");
    }
}

public sealed class StockPayloadType : ObjectGraphType<StockPayload>
{
    public StockPayloadType()
    {
        Name = "StockPayload";
        Field(p => p.Variant, type: typeof(ProductVariantType));
        Field(p => p.StockLevel, type: typeof(StockLevelType)).Description("The center's stock after the change; null on errors.");
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
