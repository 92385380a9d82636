using System.Diagnostics;

namespace Federated.Benchmarks;

/// <summary>Every latency of one kind of search, through the service and direct, and what they found.</summary>
public sealed record KindResult(QueryKind Kind, double[] Service, double[] Direct, double MeanTotalCount);

public sealed record BenchmarkResults(IReadOnlyList<KindResult> Kinds, double ServicePerSecond, double DirectPerSecond, int Mismatches);

/// <summary>
/// Warms up, then measures the mix: every kind the same number of times, interleaved (kinds in a
/// rotating order, the service and the direct run of the same search back to back, which one first
/// alternating), so that a drifting machine (cache, other load) weighs on both sides alike. Then
/// a throughput run: clients sending the mix back to back for a few seconds, on each side.
/// </summary>
public sealed class SearchBenchmark(SearchMix mix, BenchmarkOptions options)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ThroughputDuration = TimeSpan.FromSeconds(10);
    private const int WarmUpRounds = 2;

    public async Task<BenchmarkResults> RunAsync(CancellationToken cancellationToken)
    {
        var kinds = SearchMix.Kinds;
        var warmUp = kinds.Sum(k => k.Cases.Length) * WarmUpRounds;
        Console.WriteLine($"benchmark: warming up ({warmUp} searches on each side)");
        for (var round = 0; round < WarmUpRounds; round++)
        {
            foreach (var search in kinds.SelectMany(k => k.Cases))
            {
                await mix.ThroughServiceAsync(search, cancellationToken);
                await mix.DirectAsync(search, cancellationToken);
            }
        }

        // Work items in the order they run: iteration by iteration, the kinds in a rotating order.
        var items = Enumerable.Range(0, options.Iterations)
            .SelectMany(i => Enumerable.Range(0, kinds.Length).Select(j => (Iteration: i, Kind: (i + j) % kinds.Length)))
            .ToArray();
        var service = kinds.Select(_ => new double[options.Iterations]).ToArray();
        var direct = kinds.Select(_ => new double[options.Iterations]).ToArray();
        var found = kinds.Select(_ => new long[options.Iterations]).ToArray();
        var mismatches = 0;
        var next = -1;
        var done = 0;

        Console.WriteLine($"benchmark: measuring {items.Length:N0} searches on each side ({options.Iterations} per kind, {options.Concurrency} client(s)); {Machine.Load()}");
        var clock = Stopwatch.StartNew();
        using var progress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = ReportProgressAsync(() => Volatile.Read(ref done), items.Length, clock, progress.Token);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < items.Length)
                {
                    var (iteration, kind) = items[index];
                    var search = kinds[kind].CaseFor(iteration);
                    Timing viaService, viaSql;
                    if ((iteration + kind) % 2 == 0)
                    {
                        viaService = await mix.ThroughServiceAsync(search, cancellationToken);
                        viaSql = await mix.DirectAsync(search, cancellationToken);
                    }
                    else
                    {
                        viaSql = await mix.DirectAsync(search, cancellationToken);
                        viaService = await mix.ThroughServiceAsync(search, cancellationToken);
                    }
                    service[kind][iteration] = viaService.Milliseconds;
                    direct[kind][iteration] = viaSql.Milliseconds;
                    found[kind][iteration] = viaService.TotalCount;
                    if (viaService.TotalCount != viaSql.TotalCount)
                        Interlocked.Increment(ref mismatches);
                    Interlocked.Increment(ref done);
                }
            }, cancellationToken)));
        }
        finally
        {
            await progress.CancelAsync();
            await reporter;
        }
        Console.WriteLine($"benchmark: measured in {clock.Elapsed.TotalSeconds:F0} s; {Machine.Load()}");

        var servicePerSecond = await ThroughputAsync("through the service", mix.ThroughServiceAsync, cancellationToken);
        var directPerSecond = await ThroughputAsync("direct", mix.DirectAsync, cancellationToken);

        var results = kinds.Select((k, i) => new KindResult(k, service[i], direct[i], found[i].Average())).ToList();
        return new BenchmarkResults(results, servicePerSecond, directPerSecond, mismatches);
    }

    /// <summary>Searches per second with <see cref="BenchmarkOptions.Concurrency"/> clients sending the mix back to back.</summary>
    private async Task<double> ThroughputAsync(string side, Func<SearchCase, CancellationToken, Task<Timing>> run, CancellationToken cancellationToken)
    {
        var mixOrder = Enumerable.Range(0, 8).SelectMany(i => SearchMix.Kinds.Select(k => k.CaseFor(i))).ToArray();
        var completed = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(client => Task.Run(async () =>
        {
            for (var i = client; clock.Elapsed < ThroughputDuration; i++)
            {
                await run(mixOrder[i % mixOrder.Length], cancellationToken);
                Interlocked.Increment(ref completed);
            }
        }, cancellationToken)));
        var perSecond = completed / clock.Elapsed.TotalSeconds;
        Console.WriteLine($"benchmark: throughput {side}, {options.Concurrency} client(s) back to back: {perSecond:F1} searches/s");
        return perSecond;
    }

    private static async Task ReportProgressAsync(Func<int> done, int total, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var count = done();
                var rate = count / clock.Elapsed.TotalSeconds;
                var left = rate > 0 ? TimeSpan.FromSeconds((total - count) / rate) : TimeSpan.Zero;
                Console.WriteLine($"  {count:N0}/{total:N0} pairs ({100.0 * count / total:F0}%), {rate:F1} pairs/s, {left:mm\\:ss} left");
            }
        }
        catch (OperationCanceledException)
        {
            // Measuring is over.
        }
    }
}
