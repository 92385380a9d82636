using Federated.Catalog.Data;
using Federated.Kit.Diagnostics;
using Federated.Kit.Marten;
using Marten;

namespace Federated.Catalog.Products;

public sealed class ProductByIdDataLoader(IQuerySession session, KitCounters counters)
    : DocumentByIdDataLoader<Product>(session, counters, p => p.Id);
