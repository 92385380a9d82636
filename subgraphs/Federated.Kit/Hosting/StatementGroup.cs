using Npgsql;

namespace Federated.Kit.Hosting;

/// <summary>
/// Runs one statement for every call that arrives while the one before it runs: a call that
/// finds none running starts one at once (with no load nothing waits), and the calls that
/// arrive meanwhile go together in the next, while their sizes (<paramref name="size"/>, one
/// each when not given) come to at most <paramref name="maxGroup"/>, and always at least one. One statement
/// commits once, so callers that come together wait for one WAL flush instead of each queueing
/// for its own. <paramref name="run"/> answers every request of a group, in its order. When the
/// server refuses a group's statement for what may be one request's doing (a value, a
/// constraint, a deadlock or serialization failure: nothing of it was committed), each request
/// is run again alone, so that its failure is its own; any other failure (a timeout, the
/// connection broke and the statement may have been committed) reaches every caller of the
/// group, as it would from a statement of its own, for each to read back where it stands. A caller that stops waiting does not take its
/// request out of the queue, nor out of a statement already sent.
/// </summary>
public sealed class StatementGroup<TRequest, TResult>(
    Func<IReadOnlyList<TRequest>, Task<IReadOnlyList<TResult>>> run, int maxGroup = 500, Func<TRequest, int>? size = null)
{
    private readonly Lock _gate = new();
    private readonly List<(TRequest Request, TaskCompletionSource<TResult> Outcome)> _waiting = [];
    private bool _running;

    public Task<TResult> RunAsync(TRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var outcome = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A caller that stopped waiting leaves its failure unread: read here, not left to the finalizer.
        _ = outcome.Task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        bool start;
        lock (_gate)
        {
            _waiting.Add((request, outcome));
            start = !_running;
            _running = true;
        }
        if (start)
        {
            // The loop outlives the request that started it: it does not carry that request's
            // context (its trace, its logging scope) into the statements of the ones after.
            using (ExecutionContext.SuppressFlow())
                _ = Task.Run(RunWaitingAsync, CancellationToken.None);
        }
        return outcome.Task.WaitAsync(cancellationToken);
    }

    private async Task RunWaitingAsync()
    {
        while (true)
        {
            List<(TRequest Request, TaskCompletionSource<TResult> Outcome)> group;
            lock (_gate)
            {
                var (count, total) = (0, 0);
                while (count < _waiting.Count)
                {
                    var next = size is null ? 1 : size(_waiting[count].Request);
                    if (count > 0 && total + next > maxGroup)
                        break;
                    (count, total) = (count + 1, total + next);
                }
                if (count == 0)
                {
                    _running = false;
                    return;
                }
                group = _waiting.GetRange(0, count);
                _waiting.RemoveRange(0, count);
            }
            try
            {
                await RunGroupAsync(group);
            }
            catch (PostgresException refused) when (group.Count > 1 && refused.SqlState[..2] is "22" or "23" or "40")
            {
                foreach (var alone in group)
                {
                    try
                    {
                        await RunGroupAsync([alone]);
                    }
                    catch (Exception ex)
                    {
                        alone.Outcome.TrySetException(ex);
                    }
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, outcome) in group)
                    outcome.TrySetException(ex);
            }
        }
    }

    private async Task RunGroupAsync(List<(TRequest Request, TaskCompletionSource<TResult> Outcome)> group)
    {
        var results = await run([.. group.Select(g => g.Request)]);
        if (results.Count != group.Count)
            throw new InvalidOperationException($"A grouped statement answered {results.Count} of its {group.Count} requests.");
        for (var i = 0; i < group.Count; i++)
            group[i].Outcome.TrySetResult(results[i]);
    }
}
