using Federated.Catalog.Data;
using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Kit.Marten;
using Marten;

namespace Federated.Catalog.Categories;

public sealed class CategoryByIdDataLoader(IQuerySession session, KitCounters counters)
    : DocumentByIdDataLoader<Category>(session, counters, c => c.Id);

public sealed class CategoryChildrenDataLoader(IQuerySession session, KitCounters counters)
    : BatchDataLoader<string, IReadOnlyList<Category>>(counters)
{
    protected override async Task<IReadOnlyDictionary<string, IReadOnlyList<Category>>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var children = await session.Query<Category>()
            .Where(c => c.ParentId != null && keys.Contains(c.ParentId))
            .OrderBy(c => c.Name)
            .ToListAsync(cancellationToken);
        var byParent = children.GroupBy(c => c.ParentId!).ToDictionary(g => g.Key, g => (IReadOnlyList<Category>)g.ToList());
        return keys.ToDictionary(k => k, k => byParent.GetValueOrDefault(k) ?? []);
    }
}
