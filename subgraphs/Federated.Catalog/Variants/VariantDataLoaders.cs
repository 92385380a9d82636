using Federated.Catalog.Data;
using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Kit.Marten;
using Marten;

namespace Federated.Catalog.Variants;

public sealed class VariantBySkuDataLoader(IQuerySession session, KitCounters counters)
    : DocumentByIdDataLoader<ProductVariant>(session, counters, v => v.Sku);

/// <summary>The variants of many products in one query, each product's in their listed order.</summary>
public sealed class VariantsByProductDataLoader(IQuerySession session, KitCounters counters)
    : GroupedDataLoader<string, ProductVariant>(counters)
{
    protected override async Task<IEnumerable<ProductVariant>> LoadRowsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var variants = await session.Query<ProductVariant>()
            .Where(v => keys.Contains(v.ProductId))
            .ToListAsync(cancellationToken);
        return variants.OrderBy(v => v.Position).ThenBy(v => v.Sku, StringComparer.Ordinal);
    }

    protected override string KeyOf(ProductVariant row) => row.ProductId;
}
