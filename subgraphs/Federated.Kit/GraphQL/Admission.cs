using Microsoft.Extensions.Configuration;

namespace Federated.Kit.GraphQL;

/// <summary>
/// How many GraphQL requests a service instance works on at once, and how long one may wait
/// for its turn. Past that wait it is refused at once (503, <c>SERVICE_UNAVAILABLE</c>, with
/// <c>Retry-After</c>), before any of its work is done. Without it, a service asked for more
/// than its machine can do takes every request in and slows all of them alike, until each
/// outlasts the gateway's patience: the work is done and the answers are thrown away (the
/// checkout benchmark at 400 buyers a second, about twice what its machine sustained, placed no
/// order at all on its hot SKU in two runs; with this gate, 887 to 2,134 in 10 s). Refused
/// early, the requests let in are answered in time, and the caller is told at once, with
/// nothing done, to come back. Waiting requests are let in first come, first served.
/// <c>GraphQL:Admission:MaxConcurrent</c> (256) and <c>GraphQL:Admission:MaxWait</c> (4 s, under
/// the gateway's 10 s for a subgraph's answer) set it.
/// </summary>
public sealed class Admission(int maxConcurrent, TimeSpan maxWait)
{
    private readonly SemaphoreSlim _slots = new(maxConcurrent, maxConcurrent);

    public static Admission FromConfiguration(IConfiguration configuration) =>
        new(Math.Max(1, configuration.GetValue("GraphQL:Admission:MaxConcurrent", 256)),
            configuration.GetValue("GraphQL:Admission:MaxWait", TimeSpan.FromSeconds(4)));

    /// <summary>How long a refused caller is asked to wait before sending again.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    /// <summary>A turn, to be disposed when the request is answered; null when none came within the wait.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancellationToken) =>
        await _slots.WaitAsync(maxWait, cancellationToken) ? new Turn(_slots) : null;

    private sealed class Turn(SemaphoreSlim slots) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                slots.Release();
        }
    }
}
