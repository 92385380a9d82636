using Marten;

namespace Federated.Catalog.Data;

public static class CatalogStore
{
    public static void Configure(StoreOptions options)
    {
        // Duplicated columns for the fields the hot paths filter and page on.
        options.Schema.For<Product>().Duplicate(p => p.CategoryId).UseOptimisticConcurrency(true);
        options.Schema.For<Category>().Duplicate(c => c.ParentId!);
        options.Schema.For<ProductVariant>().Identity(v => v.Sku).Duplicate(v => v.ProductId);
    }
}
