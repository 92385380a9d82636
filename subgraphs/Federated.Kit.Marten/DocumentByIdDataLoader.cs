using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Marten;

namespace Federated.Kit.Marten;

/// <summary>Documents by their string id, all keys of a batch in one <c>LoadManyAsync</c>.</summary>
public abstract class DocumentByIdDataLoader<TDocument>(IQuerySession session, KitCounters counters, Func<TDocument, string> idOf)
    : BatchDataLoader<string, TDocument>(counters)
    where TDocument : notnull
{
    protected override async Task<IReadOnlyDictionary<string, TDocument>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var documents = await session.LoadManyAsync<TDocument>(cancellationToken, keys);
        return documents.ToDictionary(idOf);
    }
}
