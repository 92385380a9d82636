using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Federated.Benchmarks;

/// <summary>A gateway under load: its process, and a client of its own with keep-alive connections.</summary>
public sealed class GatewayTarget(string name, ServiceProcess process) : IDisposable
{
    public string Name { get; } = name;

    public ServiceProcess Process { get; } = process;

    public HttpClient Http { get; } = new(new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = int.MaxValue,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    })
    {
        Timeout = TimeSpan.FromSeconds(30),
    };

    public void Dispose() => Http.Dispose();
}

/// <summary>What one gateway did over all measured slices of one query.</summary>
public sealed class GatewayMeasurement(string gateway)
{
    public string Gateway { get; } = gateway;
    public long Requests { get; set; }
    public long Failures { get; set; }
    public string? FirstFailure { get; set; }
    public TimeSpan Elapsed { get; set; }
    public TimeSpan GatewayCpu { get; set; }
    public TimeSpan SubgraphCpu { get; set; }
    public TimeSpan ClientCpu { get; set; }
    public List<double> Latencies { get; } = [];
    public List<double> Loads { get; } = [];

    public double PerSecond => Requests / Elapsed.TotalSeconds;

    public double CpuMillisecondsPerRequest(TimeSpan cpu) => Requests == 0 ? double.NaN : cpu.TotalMilliseconds / Requests;
}

public sealed record QueryResult(GatewayQuery Query, GatewayMeasurement DotNet, GatewayMeasurement Hive, string Comparison);

/// <summary>
/// Closed-loop load: <see cref="GatewayOptions.Concurrency"/> clients each send the next request as
/// soon as the last one is answered. Per query, each gateway is warmed up, their answers to the same
/// requests compared, and then they take turns (.NET, Hive, .NET, Hive, ...) for equal slices, so that
/// a drifting machine (another engineer's test run) weighs on both alike. Every answer is checked:
/// 200, data with the query's root field, no errors.
/// </summary>
public sealed class GatewayBenchmark(GatewayStack stack, GatewayOptions options)
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private const int ComparedRequests = 20;
    // Every answer gets the cheap check (bytes); one in this many is also parsed in full.
    private const int FullCheckEvery = 64;

    public async Task<List<QueryResult>> RunAsync(CancellationToken cancellationToken)
    {
        using var dotNet = new GatewayTarget(".NET gateway", stack.DotNetGateway);
        using var hive = new GatewayTarget("Hive Gateway", stack.HiveGateway);
        var results = new List<QueryResult>();
        foreach (var query in GatewayQueries.All)
        {
            Console.WriteLine();
            Console.WriteLine($"benchmark: query ({query.Key}) {query.Name}: warming up each gateway {options.WarmUp} s with {options.Concurrency} clients; {Machine.Load()}");
            foreach (var target in new[] { dotNet, hive })
            {
                var warm = new GatewayMeasurement(target.Name);
                await DriveAsync(target, query, TimeSpan.FromSeconds(options.WarmUp), warm, $"({query.Key}) {target.Name} warm-up", cancellationToken);
                Console.WriteLine($"  ({query.Key}) {target.Name} warm-up: {warm.PerSecond:N0} req/s, {warm.Failures} failure(s){FailureNote(warm)}");
            }
            var comparison = await CompareAsync(query, dotNet, hive, cancellationToken);
            Console.WriteLine($"  ({query.Key}) {comparison}");

            var measured = new Dictionary<GatewayTarget, GatewayMeasurement> { [dotNet] = new(dotNet.Name), [hive] = new(hive.Name) };
            for (var slice = 1; slice <= options.Slices; slice++)
            {
                var seconds = Math.Min(options.Slice, options.Seconds - (slice - 1) * options.Slice);
                foreach (var target in new[] { dotNet, hive })
                {
                    var label = $"({query.Key}) {target.Name} slice {slice}/{options.Slices}";
                    var part = new GatewayMeasurement(target.Name);
                    await DriveAsync(target, query, TimeSpan.FromSeconds(seconds), part, label, cancellationToken);
                    Add(measured[target], part);
                    Console.WriteLine($"  {label}: {part.PerSecond:N0} req/s, p99 {LatencyReport.Stats.Of([.. part.Latencies]).P99:F1} ms, "
                        + $"gateway CPU {part.CpuMillisecondsPerRequest(part.GatewayCpu):F2} ms/req, {part.Failures} failure(s){FailureNote(part)}; {Machine.Load()}");
                }
            }
            results.Add(new QueryResult(query, measured[dotNet], measured[hive], comparison));
        }
        return results;
    }

    private async Task DriveAsync(GatewayTarget target, GatewayQuery query, TimeSpan duration, GatewayMeasurement into, string label, CancellationToken cancellationToken)
    {
        var latencies = Enumerable.Range(0, options.Concurrency).Select(_ => new List<double>(capacity: 4096)).ToArray();
        long sequence = -1, completed = 0, failures = 0;
        string? firstFailure = null;
        var subgraphs = stack.SubgraphProcesses;
        var self = System.Diagnostics.Process.GetCurrentProcess();

        var gatewayCpu = target.Process.CpuTime();
        var subgraphCpu = Sum(subgraphs.Select(s => s.CpuTime()));
        self.Refresh();
        var clientCpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();

        using var progress = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reporter = ReportProgressAsync(label, () => Interlocked.Read(ref completed), clock, progress.Token);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(client => Task.Run(async () =>
            {
                var own = latencies[client];
                while (clock.Elapsed < duration)
                {
                    var index = Interlocked.Increment(ref sequence);
                    var started = Stopwatch.GetTimestamp();
                    var failure = await SendAsync(target, query, index, fullCheck: index % FullCheckEvery == 0, cancellationToken);
                    own.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    Interlocked.Increment(ref completed);
                    if (failure is not null)
                    {
                        Interlocked.Increment(ref failures);
                        Interlocked.CompareExchange(ref firstFailure, failure, null);
                    }
                }
            }, cancellationToken)));
        }
        finally
        {
            await progress.CancelAsync();
            await reporter;
        }

        // The window ends when the last answer is in: the gateway's CPU time covers the same requests.
        into.Elapsed = clock.Elapsed;
        into.GatewayCpu = target.Process.CpuTime() - gatewayCpu;
        into.SubgraphCpu = Sum(subgraphs.Select(s => s.CpuTime())) - subgraphCpu;
        self.Refresh();
        into.ClientCpu = self.TotalProcessorTime - clientCpu;
        into.Requests = completed;
        into.Failures = failures;
        into.FirstFailure = firstFailure;
        foreach (var own in latencies)
            into.Latencies.AddRange(own);
        if (Machine.LoadAverage() is { } load)
            into.Loads.Add(load);
    }

    /// <summary>Sends one request; null when the answer is good, otherwise what was wrong with it.</summary>
    private static async Task<string?> SendAsync(GatewayTarget target, GatewayQuery query, long index, bool fullCheck, CancellationToken cancellationToken)
    {
        try
        {
            var body = await PostAsync(target, query.Body(index), cancellationToken);
            if (body.Status != HttpStatusCode.OK)
                return $"HTTP {(int)body.Status}: {Excerpt(body.Bytes)}";
            return fullCheck ? FullCheck(query, body.Bytes) : CheapCheck(query, body.Bytes);
        }
        catch (HttpRequestException ex)
        {
            return $"request failed: {ex.Message}";
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return "no answer within 30 s";
        }
    }

    private static async Task<(HttpStatusCode Status, byte[] Bytes)> PostAsync(GatewayTarget target, byte[] body, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = Json;
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Process.GraphQLUrl) { Content = content };
        request.Headers.Accept.ParseAdd("application/graphql-response+json, application/json");
        using var response = await target.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        return (response.StatusCode, await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }

    /// <summary>Without parsing: an errors key anywhere, or no object under the root field, is a failure.</summary>
    private static string? CheapCheck(GatewayQuery query, byte[] body)
    {
        var span = body.AsSpan();
        if (span.IndexOf("\"errors\""u8) >= 0)
            return $"errors: {Excerpt(body)}";
        return span.IndexOf(query.RootMarker) >= 0 ? null : $"no {query.RootField} in data: {Excerpt(body)}";
    }

    private static string? FullCheck(GatewayQuery query, byte[] body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("errors", out _))
                return $"errors: {Excerpt(body)}";
            return json.RootElement.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty(query.RootField, out var root) && root.ValueKind == JsonValueKind.Object
                ? null
                : $"no {query.RootField} in data: {Excerpt(body)}";
        }
        catch (JsonException)
        {
            return $"not JSON: {Excerpt(body)}";
        }
    }

    /// <summary>The same requests to both gateways: their answers should be the same JSON (key order aside).</summary>
    private static async Task<string> CompareAsync(GatewayQuery query, GatewayTarget dotNet, GatewayTarget hive, CancellationToken cancellationToken)
    {
        var count = Math.Min(ComparedRequests, query.Bodies.Length);
        var same = 0;
        string? difference = null;
        for (var i = 0; i < count; i++)
        {
            var body = query.Body(i * 37);
            var (_, a) = await PostAsync(dotNet, body, cancellationToken);
            var (_, b) = await PostAsync(hive, body, cancellationToken);
            if (JsonNode.DeepEquals(JsonNode.Parse(a), JsonNode.Parse(b)))
                same++;
            else
                difference ??= $"\n    .NET: {Excerpt(a)}\n    Hive: {Excerpt(b)}";
        }
        return same == count
            ? $"both gateways gave the same answers to {count} identical request(s)"
            : $"WARNING: the gateways' answers differ for {count - same} of {count} identical request(s); the first:{difference}";
    }

    private static async Task ReportProgressAsync(string label, Func<long> completed, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
                Console.WriteLine($"    {label}: {clock.Elapsed.TotalSeconds:F0} s, {completed() / clock.Elapsed.TotalSeconds:N0} req/s so far");
        }
        catch (OperationCanceledException)
        {
            // The slice is over.
        }
    }

    private static void Add(GatewayMeasurement total, GatewayMeasurement part)
    {
        total.Requests += part.Requests;
        total.Failures += part.Failures;
        total.FirstFailure ??= part.FirstFailure;
        total.Elapsed += part.Elapsed;
        total.GatewayCpu += part.GatewayCpu;
        total.SubgraphCpu += part.SubgraphCpu;
        total.ClientCpu += part.ClientCpu;
        total.Latencies.AddRange(part.Latencies);
        total.Loads.AddRange(part.Loads);
    }

    private static TimeSpan Sum(IEnumerable<TimeSpan> times) => times.Aggregate(TimeSpan.Zero, (a, b) => a + b);

    private static string FailureNote(GatewayMeasurement m) => m.FirstFailure is { } f ? $" (first: {f})" : "";

    private static string Excerpt(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 300)));
        return body.Length > 300 ? text + "..." : text;
    }
}
