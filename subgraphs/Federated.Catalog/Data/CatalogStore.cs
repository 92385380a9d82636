using Marten;

namespace Federated.Catalog.Data;

public static class CatalogStore
{
    /// <summary>Marten's table of <see cref="ProductVariant"/> documents, keyed by SKU, for hand-written queries.</summary>
    public const string VariantsTable = CatalogExtensions.ServiceName + ".mt_doc_productvariant";

    /// <summary>Marten's table of <see cref="Product"/> documents.</summary>
    public const string ProductsTable = CatalogExtensions.ServiceName + ".mt_doc_product";

    /// <summary>Marten's table of <see cref="Category"/> documents.</summary>
    public const string CategoriesTable = CatalogExtensions.ServiceName + ".mt_doc_category";

    public static void Configure(StoreOptions options)
    {
        // Duplicated columns for the fields the hot paths filter and page on.
        options.Schema.For<Product>().Duplicate(p => p.CategoryId).UseOptimisticConcurrency(true);
        options.Schema.For<Category>().Duplicate(c => c.ParentId!);
        options.Schema.For<ProductVariant>().Identity(v => v.Sku).Duplicate(v => v.ProductId);
    }
}
