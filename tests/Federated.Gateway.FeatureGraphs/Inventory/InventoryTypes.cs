using Federated.Gateway.FeatureGraphs.Data;
using Federated.Gateway.FeatureGraphs.Hosting;
using Federated.Gateway.FeatureGraphs.Products;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Inventory;

public sealed class ProductType : ObjectGraphType<ProductRequirements>
{
    public ProductType()
    {
        Name = "Product";
        this.Key("sku");
        Field<NonNullGraphType<IdGraphType>>("sku").Resolve(ctx => ctx.Source.Sku);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(ctx => Record(ctx).Name).Shareable();
        Field<NonNullGraphType<BooleanGraphType>>("inStock").Resolve(ctx => Record(ctx).Stock > 0).Override(Hosting.FeatureGraphNames.Products);
        // Progressive overrides (federation 2.7): taken from products for 90% and 10% of requests.
        Field<NonNullGraphType<StringGraphType>>("dispatch").Resolve(ctx => Record(ctx).Stock > 0 ? "warehouse: today" : "warehouse: when restocked")
            .ProgressiveOverride(Hosting.FeatureGraphNames.Products, "percent(90)");
        Field<NonNullGraphType<StringGraphType>>("returnWindow").Resolve(_ => "warehouse: 14 days")
            .ProgressiveOverride(Hosting.FeatureGraphNames.Products, "percent(10)");
        Field<IntGraphType>("stock").Resolve(ctx => ctx.Source.Sku == State.UncountedSku
            ? throw WorldAccess.Failure($"{ctx.Source.Sku} is being counted.", "STOCK_COUNT_IN_PROGRESS")
            : Record(ctx).Stock);
        Field<NonNullGraphType<IntGraphType>>("price").Resolve(ctx => ctx.Source.Price).External();
        Field<NonNullGraphType<IntGraphType>>("weight")
            .Argument<WeightUnitType>("unit", arg => arg.DefaultValue = WeightUnit.Gram)
            .Resolve(ctx => ctx.Source.Weight)
            .External();
        // Never answered: the endpoint fails any request that asks for it (see Outage).
        Field<IntGraphType>(InventoryOutage.Field).Resolve(_ => null);
        // Free above 1000; otherwise 5 plus 3 a kilogram. Fails loudly when the gateway did not send what it requires.
        Field<NonNullGraphType<IntGraphType>>("shippingEstimate")
            .Resolve(ctx => ctx.Source is { Price: { } price, Weight: { } kilograms }
                ? price >= 1000 ? 0 : 5 + 3 * kilograms
                : throw WorldAccess.Failure("shippingEstimate needs price and weight(unit: KILOGRAM) in the representation.", "MISSING_REQUIRED_FIELDS"))
            .Requires("price weight(unit: KILOGRAM)");
        this.ResolveReference<ProductRequirements>((ctx, representation) =>
            representation.Sku == State.DiscontinuedSku
                ? throw WorldAccess.Failure($"{representation.Sku} is discontinued.", "DISCONTINUED")
                : ctx.State().ProductBySku(representation.Sku) is not null
                    ? representation
                    : throw WorldAccess.Failure($"No product {representation.Sku}.", "NOT_FOUND"));
    }

    private static ProductRecord Record(IResolveFieldContext<ProductRequirements> context) => context.State().ProductBySku(context.Source.Sku)!;
}

public sealed class WarehouseType : ObjectGraphType<WarehouseRecord>
{
    public WarehouseType()
    {
        Name = "Warehouse";
        this.Key("region code");
        Field<NonNullGraphType<StringGraphType>>("region").Resolve(ctx => ctx.Source.Region);
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(ctx => ctx.Source.Code);
        Field<NonNullGraphType<StringGraphType>>("city").Resolve(ctx => ctx.Source.City);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ProductType>>>>("products")
            .Resolve(ctx => ctx.Source.Skus.Select(sku => new ProductRequirements { Sku = sku }));
        this.ResolveReference<WarehouseKey, WarehouseRecord>((ctx, key) => ctx.State().Warehouse(key.Region, key.Code)!);
    }
}

/// <summary>The end of the seller key chain: inventory knows a seller only by VAT id.</summary>
public sealed class SellerType : ObjectGraphType<SellerKey>
{
    public SellerType()
    {
        Name = "Seller";
        this.Key("vatId");
        Field<NonNullGraphType<IdGraphType>>("vatId").Resolve(ctx => ctx.Source.VatId);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarehouseType>>>>("warehouses")
            .Resolve(ctx => ctx.State().Warehouses.Where(w => w.SellerVatId == ctx.Source.VatId));
        this.ResolveReference<SellerKey>((_, key) => key);
    }
}

/// <summary>Inventory's delivery estimates come from a carrier that is down: every request asking for one fails whole.</summary>
public static class InventoryOutage
{
    public const string Field = "deliveryEstimate";
}
