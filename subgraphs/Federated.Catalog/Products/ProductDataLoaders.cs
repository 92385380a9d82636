using Federated.Catalog.Data;
using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Marten;

namespace Federated.Catalog.Products;

public sealed class ProductByIdDataLoader(IQuerySession session, KitCounters counters)
    : BatchDataLoader<string, Product>(counters)
{
    protected override async Task<IReadOnlyDictionary<string, Product>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var products = await session.LoadManyAsync<Product>(cancellationToken, keys);
        return products.ToDictionary(p => p.Id);
    }
}
