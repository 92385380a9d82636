using Federated.Gateway.FeatureGraphs.Data;
using Federated.Gateway.FeatureGraphs.Hosting;
using GraphQL;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Inventory;

public sealed class InventoryQuery : ObjectGraphType
{
    public InventoryQuery()
    {
        Name = "Query";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<WarehouseType>>>>("warehouses").Resolve(ctx => ctx.State().Warehouses);
        Field<WarehouseType>("warehouse")
            .Argument<NonNullGraphType<StringGraphType>>("region")
            .Argument<NonNullGraphType<StringGraphType>>("code")
            .Resolve(ctx => ctx.State().Warehouse(ctx.GetArgument<string>("region"), ctx.GetArgument<string>("code")));
        // Taken from products for 90% of requests (a progressive override of a root field).
        Field<NonNullGraphType<StringGraphType>>("storeNotice").Resolve(ctx => $"warehouse: {ctx.State().Warehouses.Count} warehouses open")
            .ProgressiveOverride(Hosting.FeatureGraphNames.Products, "percent(90)");
    }
}

public sealed class InventoryMutation : ObjectGraphType
{
    public InventoryMutation()
    {
        Name = "Mutation";
        Field<ProductType>("restock")
            .Argument<NonNullGraphType<IdGraphType>>("sku")
            .Argument<NonNullGraphType<IntGraphType>>("quantity")
            .Resolve(ctx =>
            {
                var (sku, quantity) = (ctx.GetArgument<string>("sku"), ctx.GetArgument<int>("quantity"));
                return ctx.World().Change(state =>
                {
                    var product = state.ProductBySku(sku) ?? throw WorldAccess.Failure($"No product {sku}.", "NOT_FOUND");
                    var changed = product with { Stock = product.Stock + quantity };
                    return (state with { Products = [.. state.Products.Select(p => p.Sku == sku ? changed : p)] }, new ProductRequirements { Sku = sku });
                });
            });
    }
}
