using Microsoft.Extensions.Configuration;

namespace Federated.Kit.GraphQL;

/// <summary>
/// How many GraphQL requests a service instance works on at once, and how long one may wait
/// for its turn. Past that wait it is refused at once (503, <c>SERVICE_UNAVAILABLE</c>, with
/// <c>Retry-After</c>), before any of its work is done. Without it, a service asked for more
/// than its machine can do takes every request in and slows all of them alike, until each
/// outlasts the gateway's patience: the work is done and the answers are thrown away (the
/// checkout benchmark at 400 buyers a second, about twice what its machine sustained, placed no
/// order at all on its hot SKU in two runs; with this gate, 887 to 2,134 in 10 s).
/// <para>
/// Waiting requests are let in first come, first served while the queue clears now and then.
/// A queue that has stood for <c>GraphQL:Admission:StandingAfter</c> (1 s: formed that long
/// ago, and no turn free with nobody waiting since) says the instance is asked for more than it can do, and
/// first come, first served would then make every request wait about the whole
/// <c>MaxWait</c>: while it stands, the newest waiting request is let in first, and one that
/// has waited longer than <c>GraphQL:Admission:StandingWait</c> (500 ms) is refused at once.
/// What is let in is answered promptly, what cannot be is told so early (the standing-queue
/// test of CoDel with last come, first served, as large RPC services shed load). A request
/// another service makes as part of work it has already taken in (<c>chained</c>: the orders
/// service asking the catalog to reserve) goes first, first come, first served, and is never
/// refused for a standing queue, only past <c>MaxWait</c>: refusing it would throw away the
/// work done for it upstream, so the load is shed at the edge, where nothing is done yet.
/// <c>GraphQL:Admission:MaxConcurrent</c> (256) and <c>GraphQL:Admission:MaxWait</c> (4 s, under
/// the gateway's 10 s for a subgraph's answer) set the rest.
/// </para>
/// </summary>
public sealed class Admission
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiting = [];
    private readonly LinkedList<Waiter> _chained = [];
    private readonly TimeSpan _maxWait;
    private readonly TimeSpan _standingAfter;
    private readonly TimeSpan _standingWait;
    private readonly TimeProvider _time;
    private int _free;

    /// <summary>
    /// When the queue was last clear: a turn taken without waiting, one given back with nobody
    /// waiting, or the first request to wait joining empty queues (turns all busy is no queue).
    /// </summary>
    private long _clearSince;

    public Admission(int maxConcurrent, TimeSpan maxWait, TimeSpan standingAfter, TimeSpan standingWait, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        // Checked here: a wait the timer refuses would throw with the request already queued.
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxWait, TimeSpan.FromDays(1));
        ArgumentOutOfRangeException.ThrowIfLessThan(standingAfter, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(standingWait, TimeSpan.Zero);
        (_free, _maxWait, _standingAfter, _standingWait) = (maxConcurrent, maxWait, standingAfter, standingWait);
        _time = time ?? TimeProvider.System;
        _clearSince = _time.GetTimestamp();
    }

    public static Admission FromConfiguration(IConfiguration configuration) =>
        new(Math.Max(1, configuration.GetValue("GraphQL:Admission:MaxConcurrent", 256)),
            configuration.GetValue("GraphQL:Admission:MaxWait", TimeSpan.FromSeconds(4)),
            configuration.GetValue("GraphQL:Admission:StandingAfter", TimeSpan.FromSeconds(1)),
            configuration.GetValue("GraphQL:Admission:StandingWait", TimeSpan.FromMilliseconds(500)));

    /// <summary>How long a refused caller is asked to wait before sending again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A turn, to be disposed when the request is answered; null when none came within the wait.
    /// <paramref name="chained"/>: asked by another service for work it has taken in (see above).
    /// </summary>
    public async Task<IDisposable?> EnterAsync(bool chained, CancellationToken cancellationToken)
    {
        Waiter waiter;
        LinkedListNode<Waiter> place;
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            // Turns pass straight to the waiting, so a free turn means nobody waits.
            if (_free > 0)
            {
                _free--;
                _clearSince = now;
                return new Turn(this);
            }
            if (_waiting.Count + _chained.Count == 0)
                _clearSince = now;
            RefuseStale(now);
            // Made only for a request that waits: most find a turn free.
            waiter = new Waiter { Since = now };
            place = (chained ? _chained : _waiting).AddLast(waiter);
        }
        try
        {
            return await waiter.Decision.Task.WaitAsync(_maxWait, _time, cancellationToken) ? new Turn(this) : null;
        }
        catch (Exception ex)
        {
            // Out of the queue whatever went wrong: a waiter left in it would be handed a turn
            // nobody gives back.
            lock (_lock)
            {
                if (place.List is { } queue)
                {
                    queue.Remove(place);
                    waiter.Decision.TrySetResult(false);
                }
            }
            // Decided meanwhile (under the lock, before it left the queue): a turn that came just
            // at the deadline is taken; one that came after the caller left is passed on.
            if (waiter.Decision.Task.Result)
            {
                if (ex is TimeoutException)
                    return new Turn(this);
                Release();
            }
            if (ex is TimeoutException)
                return null;
            throw;
        }
    }

    private void Release()
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            RefuseStale(now);
            var next = _chained.First ?? (Standing(now) ? _waiting.Last : _waiting.First);
            if (next is null)
            {
                _free++;
                _clearSince = now;
                return;
            }
            next.List!.Remove(next);
            next.Value.Decision.TrySetResult(true);
        }
    }

    private bool Standing(long now) => _waiting.Count + _chained.Count > 0 && _time.GetElapsedTime(_clearSince, now) >= _standingAfter;

    /// <summary>While the queue stands, refuses the requests from the edge that have waited past <c>StandingWait</c> (the oldest are first in the queue).</summary>
    private void RefuseStale(long now)
    {
        if (!Standing(now))
            return;
        while (_waiting.First is { } oldest && _time.GetElapsedTime(oldest.Value.Since, now) > _standingWait)
        {
            _waiting.RemoveFirst();
            oldest.Value.Decision.TrySetResult(false);
        }
    }

    private sealed class Waiter
    {
        public long Since;

        /// <summary>True: the turn is this request's; false: refused. Set under the lock, as the request leaves the queue.</summary>
        public readonly TaskCompletionSource<bool> Decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class Turn(Admission admission) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                admission.Release();
        }
    }
}
