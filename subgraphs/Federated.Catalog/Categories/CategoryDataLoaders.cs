using Federated.Catalog.Data;
using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Kit.Marten;
using Marten;

namespace Federated.Catalog.Categories;

public sealed class CategoryByIdDataLoader(IQuerySession session, KitCounters counters)
    : DocumentByIdDataLoader<Category>(session, counters, c => c.Id);

public sealed class CategoryChildrenDataLoader(IQuerySession session, KitCounters counters)
    : GroupedDataLoader<string, Category>(counters)
{
    protected override async Task<IEnumerable<Category>> LoadRowsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        await session.Query<Category>()
            .Where(c => c.ParentId != null && keys.Contains(c.ParentId))
            .OrderBy(c => c.Name)
            .ToListAsync(cancellationToken);

    protected override string KeyOf(Category row) => row.ParentId!;
}
