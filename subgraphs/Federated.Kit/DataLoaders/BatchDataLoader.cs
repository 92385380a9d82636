using Federated.Kit.Diagnostics;
using GraphQL.DataLoader;

namespace Federated.Kit.DataLoaders;

/// <summary>
/// A per-request DataLoader. Every key asked for while GraphQL.NET resolves one level of a
/// query is collected; the first time any of their results is awaited, all collected keys
/// go to the store in one call (de-duplicated), and the results are cached for the rest of
/// the request. Register subclasses as scoped services.
/// </summary>
public abstract class BatchDataLoader<TKey, TValue>(KitCounters counters) : IRequestCache
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Dictionary<TKey, Task<TValue?>> _cache = new();
    private Batch? _pending;

    /// <summary>The name this loader's batches are counted under.</summary>
    protected virtual string Name => GetType().Name;

    /// <summary>Loads all keys in one store round trip. Missing keys may be left out.</summary>
    protected abstract Task<IReadOnlyDictionary<TKey, TValue>> LoadBatchAsync(IReadOnlyList<TKey> keys, CancellationToken cancellationToken);

    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        lock (_gate)
        {
            if (_cache.TryGetValue(key, out var known))
                return new Result(known);

            _pending ??= new Batch(this);
            var task = _pending.Add(key);
            _cache[key] = task;
            return new Result(task, _pending);
        }
    }

    /// <summary>
    /// Records <paramref name="value"/> as the result for <paramref name="key"/> when nothing
    /// has asked for the key yet in this request, so that a later <see cref="Load"/> costs no
    /// round trip: for a query that read it along with something else.
    /// </summary>
    public void Prime(TKey key, TValue value)
    {
        lock (_gate)
            _cache.TryAdd(key, Task.FromResult<TValue?>(value));
    }

    /// <summary>
    /// Forgets every result loaded so far in this request (a batch under way still answers
    /// those waiting for it): the next <see cref="Load"/> of a key goes to the store again.
    /// </summary>
    public void Clear()
    {
        lock (_gate)
            _cache.Clear();
    }

    public IDataLoaderResult<TValue?[]> LoadMany(IEnumerable<TKey> keys)
    {
        var results = keys.Select(Load).ToArray();
        return new ManyResult(results);
    }

    private void Dispatch(Batch batch, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!batch.TryStart())
                return;
            if (ReferenceEquals(_pending, batch))
                _pending = null;
        }
        counters.DataLoaderBatch(Name);
        batch.Run(cancellationToken);
    }

    private sealed class Batch(BatchDataLoader<TKey, TValue> owner)
    {
        private readonly List<TKey> _keys = [];
        private readonly Dictionary<TKey, TaskCompletionSource<TValue?>> _waiting = new();
        private bool _started;

        public Task<TValue?> Add(TKey key)
        {
            // A key asked for again after the cache was cleared, while its batch still waits:
            // the one answer serves both (a second waiter under the key would never be answered).
            if (_waiting.TryGetValue(key, out var waiting))
                return waiting.Task;
            var tcs = new TaskCompletionSource<TValue?>(TaskCreationOptions.RunContinuationsAsynchronously);
            _keys.Add(key);
            _waiting[key] = tcs;
            return tcs.Task;
        }

        public bool TryStart()
        {
            if (_started)
                return false;
            _started = true;
            return true;
        }

        public void Dispatch(CancellationToken cancellationToken) => owner.Dispatch(this, cancellationToken);

        public void Run(CancellationToken cancellationToken) => _ = RunAsync(cancellationToken);

        private async Task RunAsync(CancellationToken cancellationToken)
        {
            try
            {
                var found = await owner.LoadBatchAsync(_keys, cancellationToken).ConfigureAwait(false);
                foreach (var (key, tcs) in _waiting)
                    tcs.TrySetResult(found.TryGetValue(key, out var value) ? value : default);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                foreach (var tcs in _waiting.Values)
                    tcs.TrySetCanceled(cancellationToken);
            }
            catch (Exception ex)
            {
                foreach (var tcs in _waiting.Values)
                    tcs.TrySetException(ex);
            }
        }
    }

    private sealed class Result(Task<TValue?> task, Batch? batch = null) : IDataLoaderResult<TValue?>
    {
        public Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default)
        {
            if (batch is not null && !task.IsCompleted)
                batch.Dispatch(cancellationToken);
            return task;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }

    private sealed class ManyResult(IDataLoaderResult<TValue?>[] results) : IDataLoaderResult<TValue?[]>
    {
        public async Task<TValue?[]> GetResultAsync(CancellationToken cancellationToken = default)
        {
            var values = new TValue?[results.Length];
            for (var i = 0; i < results.Length; i++)
                values[i] = await results[i].GetResultAsync(cancellationToken).ConfigureAwait(false);
            return values;
        }

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) =>
            await GetResultAsync(cancellationToken).ConfigureAwait(false);
    }
}
