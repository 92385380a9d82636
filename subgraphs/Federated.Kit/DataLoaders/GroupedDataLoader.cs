using Federated.Kit.Diagnostics;

namespace Federated.Kit.DataLoaders;

/// <summary>
/// A one-to-many DataLoader: the rows of all keys in one store call, handed back per key in
/// the order the rows came, and an empty list for a key that has none.
/// </summary>
public abstract class GroupedDataLoader<TKey, TValue>(KitCounters counters)
    : BatchDataLoader<TKey, IReadOnlyList<TValue>>(counters)
    where TKey : notnull
{
    /// <summary>Loads the rows of all keys, in the order each key's list should have.</summary>
    protected abstract Task<IEnumerable<TValue>> LoadRowsAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken);

    /// <summary>The key a row belongs to.</summary>
    protected abstract TKey KeyOf(TValue row);

    protected sealed override async Task<IReadOnlyDictionary<TKey, IReadOnlyList<TValue>>> LoadBatchAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken)
    {
        var groups = keys.ToDictionary(k => k, _ => new List<TValue>());
        foreach (var row in await LoadRowsAsync(keys, cancellationToken))
        {
            if (groups.TryGetValue(KeyOf(row), out var list))
                list.Add(row);
        }
        return groups.ToDictionary(g => g.Key, g => (IReadOnlyList<TValue>)g.Value);
    }
}
