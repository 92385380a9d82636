using Federated.Catalog.Categories;
using Federated.Catalog.Data;
using Federated.Catalog.Inventory;
using Federated.Catalog.Products;
using Federated.Catalog.Search;
using Federated.Catalog.Variants;
using Federated.Kit.DataLoaders;
using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Kit.Marten;

namespace Federated.Catalog;

public static class CatalogExtensions
{
    public const string ServiceName = "catalog";

    public static IHostApplicationBuilder AddCatalogServices(this IHostApplicationBuilder builder)
    {
        builder.AddMartenStore(ServiceName, CatalogStore.Configure);
        builder.Services.AddStartupTask<InventoryTable>();
        builder.Services.AddStartupTask<SearchTables>();
        builder.Services.AddStartupTask<Reservations>();
        builder.Services.AddSingleton<Reservations>();
        builder.Services.AddDataLoader<StockLevelsBySkuDataLoader>();
        builder.Services.AddStartupTask<CatalogSeeder>();
        builder.Services.AddDataLoader<ProductByIdDataLoader>();
        builder.Services.AddDataLoader<VariantBySkuDataLoader>();
        builder.Services.AddDataLoader<VariantDetailsBySkuDataLoader>();
        builder.Services.AddDataLoader<VariantsByProductDataLoader>();
        builder.Services.AddDataLoader<QuantityBySkuDataLoader>();
        builder.Services.AddDataLoader<QuantityByProductDataLoader>();
        builder.Services.AddDataLoader<CategoryByIdDataLoader>();
        builder.Services.AddDataLoader<CategoryChildrenDataLoader>();
        builder.AddSubgraph<CatalogQuery>(ServiceName, typeof(CatalogMutation));
        return builder;
    }
}
