namespace Federated.Benchmarks;

/// <summary>A table per query with both gateways and their ratios, and whether issue 3's targets hold.</summary>
public static class GatewayReport
{
    /// <summary>Issue 3: at least this multiple of the reference gateway's throughput, at a lower p99.</summary>
    public const double TargetThroughputRatio = 5;

    /// <summary>Issue 3: gateway CPU per request on the product page (query a).</summary>
    public const double TargetCpuMilliseconds = 0.4;

    public static void Print(IReadOnlyList<QueryResult> results, GatewayOptions options)
    {
        foreach (var result in results)
        {
            var (dotNet, hive) = (result.DotNet, result.Hive);
            var loads = dotNet.Loads.Concat(hive.Loads).ToList();
            Console.WriteLine();
            Console.WriteLine($"Query ({result.Query.Key}) {result.Query.Name}: {options.Concurrency} clients back to back, {options.Seconds} s per gateway "
                + $"in {options.Slices} interleaved slice(s), after {options.WarmUp} s warm-up each");
            Console.WriteLine(loads.Count > 0
                ? $"  load average (1 min) at the slices' ends: mean {loads.Average():F2}, {loads.Min():F2} to {loads.Max():F2}, on {Environment.ProcessorCount} cores"
                : $"  {Environment.ProcessorCount} cores");
            Console.WriteLine($"  {result.Comparison}");
            Console.WriteLine();
            Console.WriteLine($"{"gateway",-14} {"requests",9} {"failures",8} {"req/s",8} {"p50 ms",7} {"p99 ms",7} | {"CPU ms/req: gateway",19} {"subgraphs",9} {"client",6}");
            Console.WriteLine(new string('-', 100));
            Row(dotNet);
            Row(hive);
            Console.WriteLine(new string('-', 100));
            var (d, h) = (LatencyReport.Stats.Of([.. dotNet.Latencies]), LatencyReport.Stats.Of([.. hive.Latencies]));
            var throughput = dotNet.PerSecond / hive.PerSecond;
            var cpu = dotNet.CpuMillisecondsPerRequest(dotNet.GatewayCpu) / hive.CpuMillisecondsPerRequest(hive.GatewayCpu);
            Console.WriteLine($"{".NET / Hive",-14} {"",9} {"",8} {throughput,7:F2}x {d.P50 / h.P50,7:F2} {d.P99 / h.P99,7:F2} | {cpu,19:F2}");
            Console.WriteLine();
            var lowerP99 = d.P99 < h.P99;
            Console.WriteLine($"  target: >= {TargetThroughputRatio:F0}x Hive's throughput at a lower p99: "
                + $"{(throughput >= TargetThroughputRatio && lowerP99 ? "MET" : "MISSED")} ({throughput:F2}x, p99 {d.P99:F1} vs {h.P99:F1} ms)");
            if (result.Query == GatewayQueries.ProductPage)
            {
                var perRequest = dotNet.CpuMillisecondsPerRequest(dotNet.GatewayCpu);
                Console.WriteLine($"  target: < {TargetCpuMilliseconds} ms .NET gateway CPU per request: {(perRequest < TargetCpuMilliseconds ? "MET" : "MISSED")} ({perRequest:F3} ms)");
            }
            if (dotNet.Failures + hive.Failures > 0)
                Console.WriteLine($"  WARNING: failed requests (counted in the rates): .NET {dotNet.Failures}, Hive {hive.Failures}");
        }
        Console.WriteLine();
        Console.WriteLine("CPU ms/req: CPU time (user + system, /proc) of the process over the measured slices divided by its requests; "
            + "subgraphs = all four together, client = this program. On a small machine they all share the cores, so the client's "
            + "and the subgraphs' cost caps both gateways' throughput alike.");
    }

    private static void Row(GatewayMeasurement m)
    {
        var s = LatencyReport.Stats.Of([.. m.Latencies]);
        Console.WriteLine($"{m.Gateway,-14} {m.Requests,9:N0} {m.Failures,8:N0} {m.PerSecond,8:N0} {s.P50,7:F2} {s.P99,7:F2} | "
            + $"{m.CpuMillisecondsPerRequest(m.GatewayCpu),19:F3} {m.CpuMillisecondsPerRequest(m.SubgraphCpu),9:F3} {m.CpuMillisecondsPerRequest(m.ClientCpu),6:F3}");
    }
}
