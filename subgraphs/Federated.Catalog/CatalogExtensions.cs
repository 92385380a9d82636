using Federated.Catalog.Categories;
using Federated.Catalog.Data;
using Federated.Catalog.Inventory;
using Federated.Catalog.Products;
using Federated.Catalog.Search;
using Federated.Catalog.Variants;
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
        builder.Services.AddScoped<StockLevelsBySkuDataLoader>();
        builder.Services.AddStartupTask<CatalogSeeder>();
        builder.Services.AddScoped<ProductByIdDataLoader>();
        builder.Services.AddScoped<VariantBySkuDataLoader>();
        builder.Services.AddScoped<VariantDetailsBySkuDataLoader>();
        builder.Services.AddScoped<VariantsByProductDataLoader>();
        builder.Services.AddScoped<QuantityBySkuDataLoader>();
        builder.Services.AddScoped<QuantityByProductDataLoader>();
        builder.Services.AddScoped<CategoryByIdDataLoader>();
        builder.Services.AddScoped<CategoryChildrenDataLoader>();
        builder.AddSubgraph<CatalogQuery>(ServiceName, typeof(CatalogMutation));
        return builder;
    }
}
