using System.Text;

namespace Federated.Benchmarks;

/// <summary>The results as a table of percentiles per kind, side by side, and a one-paragraph verdict.</summary>
public static class LatencyReport
{
    /// <summary>The issue's target: p95 under 100 ms end to end through the subgraph.</summary>
    public const double TargetP95Milliseconds = 100;

    public static void Print(BenchmarkResults results, BenchmarkOptions options, TimeSpan? seedTime)
    {
        Console.WriteLine();
        Console.WriteLine($"Search latency in ms over {options.Products:N0} products: {options.Iterations} searches per kind on each side, "
            + $"{options.Concurrency} client(s), first {SearchMix.PageSize} with totalCount and facets");
        Console.WriteLine("  service = POST /graphql to the catalog subgraph; direct = SearchText + ProductListQuery in process (the service's own SQL)");
        Console.WriteLine();
        Console.WriteLine($"{"kind",-20} {"matches",9} | {"service p50",11} {"p95",7} {"p99",7} {"mean",7} | {"direct p50",10} {"p95",7} {"p99",7} {"mean",7} | {"ratio p50",9} {"p95",5} | p95 < {TargetP95Milliseconds:F0} ms");
        Console.WriteLine(new string('-', 138));
        foreach (var kind in results.Kinds)
            Row(kind.Kind.Name, kind.MeanTotalCount, kind.Service, kind.Direct);
        Console.WriteLine(new string('-', 138));
        Row("all", results.Kinds.Average(k => k.MeanTotalCount), [.. results.Kinds.SelectMany(k => k.Service)], [.. results.Kinds.SelectMany(k => k.Direct)]);
        Console.WriteLine();
        Console.WriteLine($"Seed: {(seedTime is { } t ? $"{options.Products:N0} products loaded and indexed in {t:m\\:ss} (start of the service to ready)" : "reused from an earlier run")}");
        Console.WriteLine($"Throughput, {options.Concurrency} client(s) back to back: {results.ServicePerSecond:F1} searches/s through the service, {results.DirectPerSecond:F1} direct");
        Console.WriteLine();
        Console.WriteLine(Summary(results, options));
    }

    private static void Row(string name, double matches, double[] service, double[] direct)
    {
        var (s, d) = (Stats.Of(service), Stats.Of(direct));
        Console.WriteLine($"{name,-20} {matches,9:N0} | {s.P50,11:F1} {s.P95,7:F1} {s.P99,7:F1} {s.Mean,7:F1} | {d.P50,10:F1} {d.P95,7:F1} {d.P99,7:F1} {d.Mean,7:F1} | "
            + $"{s.P50 / d.P50,9:F2} {s.P95 / d.P95,5:F2} | {(s.P95 < TargetP95Milliseconds ? "met" : "MISSED")}");
    }

    private static string Summary(BenchmarkResults results, BenchmarkOptions options)
    {
        var stats = results.Kinds.Select(k => (k.Kind.Name, Service: Stats.Of(k.Service), Direct: Stats.Of(k.Direct))).ToList();
        var met = stats.Where(k => k.Service.P95 < TargetP95Milliseconds).ToList();
        var missed = stats.Except(met).ToList();
        var text = new StringBuilder($"Summary: over {options.Products:N0} products, the target (p95 under {TargetP95Milliseconds:F0} ms end to end through the subgraph) ");
        text.Append(missed.Count == 0 ? "is met for every kind: " : met.Count == 0 ? "is missed for every kind: " : "is ");
        if (met.Count > 0 && missed.Count > 0)
            text.Append("met for ");
        text.Append(string.Join(", ", met.Select(k => $"{k.Name} (p95 {k.Service.P95:F0} ms)")));
        if (missed.Count > 0)
        {
            text.Append(met.Count > 0 ? "; missed for " : "");
            text.Append(string.Join(", ", missed.Select(k => $"{k.Name} (p95 {k.Service.P95:F0} ms, of which the SQL alone {k.Direct.P95:F0} ms)")));
        }
        var overhead = stats.Average(k => k.Service.P50 - k.Direct.P50);
        var share = 100 * overhead / stats.Average(k => k.Service.P50);
        text.Append($". HTTP and GraphQL add {overhead:F1} ms to the median on average over the service's own SQL ({share:F0}% of the end-to-end median).");
        text.Append($" {(options.Concurrency == 1 ? "One client" : $"{options.Concurrency} clients")} back to back {(options.Concurrency == 1 ? "gets" : "get")} {results.ServicePerSecond:F1} searches/s "
            + $"through the service and {results.DirectPerSecond:F1} direct");
        text.Append(results.Mismatches == 0
            ? "; both sides found the same totalCount for every search."
            : $"; WARNING: the two sides disagreed on totalCount in {results.Mismatches} searches.");
        return text.ToString();
    }

    internal readonly record struct Stats(double P50, double P95, double P99, double Mean)
    {
        public static Stats Of(double[] samples)
        {
            var sorted = samples.Order().ToArray();
            return new Stats(At(50), At(95), At(99), sorted.Average());

            // Nearest rank: the smallest sample with at least p% of the samples at or below it.
            double At(double p) => sorted[Math.Max(0, (int)Math.Ceiling(p / 100 * sorted.Length) - 1)];
        }
    }
}
