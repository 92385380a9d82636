using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace Federated.Benchmarks;

/// <summary>
/// Sustained placeOrder through the .NET gateway: <c>--concurrency</c> buyers, each a new
/// customer (a token minted with the development key, as the users service would sign it) who
/// adds one unit to the cart and places the order with <c>tok_visa</c>, back to back for
/// <c>--seconds</c>, after a warm-up that lasts until the services' JIT has settled. Two
/// scenarios: "spread" (one of a thousand seeded SKUs at random, each topped up by a thousand
/// units: little contention; a SKU running out counts as OUT_OF_STOCK, not as a failure) and
/// "hot" (every buyer the same SKU, topped up by a million units: every reservation locks the
/// same row). With <c>--rate</c>, the measured window has buyers arriving at that rate instead
/// (an open loop; the warm-up stays a closed loop), for the latency at a given throughput.
/// The orders are placed on top of <c>--history</c> finished orders (<see cref="OrderHistory"/>).
/// </summary>
public sealed class CheckoutBenchmark(GatewayStack stack, StackSettings settings, GatewayOptions options)
{
    private static readonly object Address = new { name = "Bench Buyer", line1 = "1 Main St", city = "Springfield", region = "IL", postalCode = "62701", country = "US" };
    private const string HotSku = "SKU-0000007-01";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = int.MaxValue })
    {
        Timeout = TimeSpan.FromSeconds(60),
    };
    private readonly ECDsa _key = LoadKey(settings);

    /// <summary>
    /// The least id of a parcel packed in this run: ids are UUIDv7s in hex, their first 12 digits
    /// the millisecond they were made, and the history's parcels were packed days before. Its
    /// events are counted from here, by the primary key, instead of scanning millions of them.
    /// </summary>
    private readonly string _firstOwnShipment = $"shp_{Guid.CreateVersion7():N}"[..16];

    private int History => options.History ?? 0;

    /// <summary>
    /// Who buys: on a history, half the time one of its customers, drawn evenly (a store's orders
    /// come mostly from customers who ordered before: the order's entries in the per-customer
    /// indexes land among that customer's, and the per-customer lookups go through them; the
    /// fraud rules' velocity query reads only the last hour, which no history order is in),
    /// otherwise a new customer. Drawn evenly from a quarter million, a customer seldom comes
    /// back within a run, so the fraud rules' limits (5 orders in 10 minutes) are not what a run
    /// measures. A customer already shopping in another buyer is not drawn (two at once share one
    /// cart, and one would find it emptied by the other's order), nor one whose buy failed or got
    /// no answer in this run (its cart may still hold the line, its order still be placed).
    /// </summary>
    private string Buyer()
    {
        if (History > 0 && Random.Shared.Next(2) == 0
            && OrderHistoryGenerator.Customer(Random.Shared.Next(OrderHistoryGenerator.Customers(History))) is var returning
            && _shopping.TryAdd(returning, 0))
            return returning;
        return $"bench-{Guid.NewGuid():N}";
    }

    /// <summary>The history's customers shopping at the moment, and those whose buy did not end in an order (<see cref="Buyer"/>).</summary>
    private readonly ConcurrentDictionary<string, byte> _shopping = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var gateway = stack.DotNetGateway.GraphQLUrl;
        // eng/stack.sh raises PostgreSQL's priority where it can; a run without it is not comparable.
        Console.WriteLine($"benchmark: PostgreSQL's processes run at nice {string.Join(", ", ProcessTree.NiceOfCommand("postgres"))}");
        Console.WriteLine($"benchmark: orders are placed on top of {History:N0} finished orders of history");
        await TopUpAsync(stack.SubgraphProcesses.Single(p => p.Name == "catalog").GraphQLUrl, cancellationToken);
        (string Name, Func<Random, string> Pick)[] scenarios =
        [
            ("spread", r => SpreadSku(r.Next(1, SpreadSkus + 1))),
            ("hot", _ => HotSku),
        ];
        if (options.HotFirst)
            scenarios.AsSpan().Reverse();
        foreach (var (scenario, pick) in scenarios)
        {
            await WarmUpAsync(scenario, gateway, pick, cancellationToken);
            Console.WriteLine(options.Rate > 0
                ? $"benchmark: checkout '{scenario}': {options.Rate} new buyers a second for {options.Seconds} s"
                : $"benchmark: checkout '{scenario}': {options.Concurrency} buyers for {options.Seconds} s");
            var window = TimeSpan.FromSeconds(options.Seconds);
            // What the window is measured against, read as it starts.
            Dictionary<string, TimeSpan> parts = [];
            (TimeSpan Busy, TimeSpan Idle) machine = default;
            Dictionary<string, JsonElement> counters = [];
            (long Steps, long Overdue, double OldestLateSeconds) fulfillment = default;
            Wal wal = default;
            StallProbe? probe = null;
            async Task StartMeasuringAsync(long windowOpened)
            {
                if (probe is not null)
                    await probe.DisposeAsync();
                (parts, machine) = (CpuParts(), Machine.CpuTimes());
                counters = await CountersAsync(cancellationToken);
                wal = await WalAsync(cancellationToken);
                probe = await StallProbe.StartAsync(DotNetProcesses(), settings.ConnectionString("postgres"), windowOpened, cancellationToken);
            }
            // Read before the scenario's buyers arrive: its count reads every shipment event of the run.
            fulfillment = await FulfillmentAsync(cancellationToken);
            (Tally tally, TimeSpan elapsed) result;
            if (options.Rate > 0)
                result = await DriveAtRateAsync(gateway, pick, window, StartMeasuringAsync, cancellationToken);
            else
            {
                await StartMeasuringAsync(Stopwatch.GetTimestamp());
                result = await DriveAsync(gateway, pick, window, cancellationToken);
            }
            var (tally, elapsed) = result;
            await probe!.DisposeAsync();
            var (latencies, orders, outOfStock, failures, firstFailure) = (tally.Latencies, tally.Orders, tally.OutOfStock, tally.Failures, tally.FirstFailure);
            var answered = tally.Answered;
            answered.Sort();
            var partsAfter = CpuParts();
            var machineAfter = Machine.CpuTimes();
            var (busy, idle) = (machineAfter.Busy - machine.Busy, machineAfter.Idle - machine.Idle);
            var countersAfter = await CountersAsync(cancellationToken);
            var walAfter = await WalAsync(cancellationToken);
            var fulfillmentAfter = await FulfillmentAsync(cancellationToken);
            latencies.Sort();
            // Per placeOrder answered, whatever its outcome: a refused one cost the machine too.
            var placeOrders = Math.Max(1, answered.Count);
            double CpuPerOrder(string process) => (partsAfter[process] - parts[process]).TotalMilliseconds / placeOrders;
            Console.WriteLine($"""
                checkout '{scenario}': {orders:N0} orders placed, {outOfStock:N0} out of stock, {failures:N0} failed{(firstFailure is null ? "" : $" ({string.Join(", ", tally.FailuresByCode.OrderByDescending(f => f.Value).Select(f => $"{f.Key} {f.Value:N0}"))})")}
                  orders table: {History:N0} orders of history + this run's
                  {orders / elapsed.TotalSeconds:N1} orders/s ({orders / elapsed.TotalSeconds * 3600:N0} an hour); placeOrder p50 {Percentile(latencies, 0.50):N1} ms, p99 {Percentile(latencies, 0.99):N1} ms (placed); every placeOrder sent ({answered.Count:N0}: refused, failed and unanswered ones too): p50 {Percentile(answered, 0.50):N1} ms, p99 {Percentile(answered, 0.99):N1} ms
                  {tally.Seconds(worst: 5)}
                {probe!.Describe(tally.WorstAndMedianSeconds(worst: 5))}
                {probe.DescribeWindow(top: 6)}
                  subgraphs' CPU {stack.SubgraphProcesses.Sum(p => CpuPerOrder(p.Name)):N2} ms per placeOrder (with its addToCart); {Machine.Load()}
                  CPU ms per placeOrder, by process: {string.Join(", ", partsAfter.Keys.Select(process => $"{process} {CpuPerOrder(process):N2}"))}
                  the whole machine: {busy.TotalMilliseconds / placeOrders:N2} ms busy per placeOrder, {100 * idle / (busy + idle + TimeSpan.FromTicks(1)):N0}% idle
                  per placeOrder (with its addToCart, and the webhooks, deadlines and fulfillment steps that came due meanwhile): {PerOrder(counters, countersAfter, placeOrders)}
                  {walAfter.Minus(wal).PerOrder(placeOrders)}
                  fulfillment: {fulfillmentAfter.Steps - fulfillment.Steps:N0} steps taken, {(fulfillmentAfter.Steps - fulfillment.Steps) / (double)Math.Max(1, orders + tally.OrdersBeforeWindow):N2} per order placed{(tally.OrdersBeforeWindow > 0 ? " (while settling and in the window)" : "")} (each order takes 3: keeping up is 3); {Behind(fulfillment)} at the start, {Behind(fulfillmentAfter)} at the end
                """);
            if (options.Rate == 0)
                await CompareWithPeerAsync(scenario, pick, cancellationToken);
        }
    }

    private static readonly TimeSpan PeerSlice = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The same checkout measured against a peer in the same run: the same buyers, on the same
    /// subgraphs, stores and data, through Hive Gateway (the reference gateway) and through the
    /// .NET gateway in turn, in slices of <see cref="PeerSlice"/>, <c>--seconds</c> for each. The
    /// machine's speed moves by tens of percent from one run to the next (README, "Checkout
    /// benchmark"); taking turns puts both sides under the same drift, so their ratio holds when
    /// the absolute figures do not. Hive Gateway is warmed up on the checkout first (its own JIT).
    /// </summary>
    private async Task CompareWithPeerAsync(string scenario, Func<Random, string> pick, CancellationToken cancellationToken)
    {
        var sides = new (string Name, Uri Gateway, Tally Tally)[]
        {
            (".NET gateway", stack.DotNetGateway.GraphQLUrl, new Tally()),
            ("Hive Gateway", stack.HiveGateway.GraphQLUrl, new Tally()),
        };
        Console.WriteLine($"benchmark: checkout '{scenario}' against a peer in the same run: the same {options.Concurrency} buyers through Hive Gateway and the .NET gateway in turn, {PeerSlice.TotalSeconds:N0} s slices, {options.Seconds} s each (Hive Gateway warmed up {options.WarmUp} s first)");
        await DriveAsync(stack.HiveGateway.GraphQLUrl, pick, TimeSpan.FromSeconds(options.WarmUp), cancellationToken, quiet: true);
        var elapsed = new TimeSpan[sides.Length];
        var slices = (int)Math.Ceiling(options.Seconds / PeerSlice.TotalSeconds);
        for (var slice = 0; slice < slices; slice++)
        {
            // Which side goes first alternates too, so neither always follows the other's backlog.
            for (var turn = 0; turn < sides.Length; turn++)
            {
                var side = (slice + turn) % sides.Length;
                var (_, took) = await DriveAsync(sides[side].Gateway, pick, PeerSlice, cancellationToken, quiet: true, into: sides[side].Tally);
                elapsed[side] += took;
            }
            Console.WriteLine($"  slice {slice + 1} of {slices}: {string.Join("; ", sides.Select(s => $"{s.Name} {s.Tally.Progress}"))}");
        }
        var figures = sides.Select((s, i) =>
        {
            s.Tally.Latencies.Sort();
            s.Tally.Answered.Sort();
            return (s.Name, Rate: s.Tally.Orders / elapsed[i].TotalSeconds, P50: Percentile(s.Tally.Latencies, 0.50), P99: Percentile(s.Tally.Latencies, 0.99),
                AnsweredP99: Percentile(s.Tally.Answered, 0.99), s.Tally.Failures);
        }).ToList();
        var (ours, peer) = (figures[0], figures[1]);
        Console.WriteLine($"""
            checkout '{scenario}' against its peer (same run, alternating slices):
            {string.Join("\n", figures.Select(f => $"  {f.Name}: {f.Rate:N1} orders/s; placeOrder p50 {f.P50:N1} ms, p99 {f.P99:N1} ms (every answer's p99 {f.AnsweredP99:N1} ms); {f.Failures:N0} failed"))}
              .NET gateway / Hive Gateway: {ours.Rate / peer.Rate:N2}x the orders a second, {ours.P50 / peer.P50:N2}x the p50, {ours.P99 / peer.P99:N2}x the p99
            """);
    }

    /// <summary>
    /// At least <c>--warmup</c> seconds, then on in rounds of <see cref="WarmUpRound"/> until the
    /// services' JIT has settled: on 2 cores, tiering up the hot code of the orders and catalog
    /// services takes about a minute of load, and measuring before that counts compilation as
    /// the cost of an order (a 10 s warm-up measured half the throughput of a settled run).
    /// </summary>
    private async Task WarmUpAsync(string scenario, Uri gateway, Func<Random, string> pick, CancellationToken cancellationToken)
    {
        Console.WriteLine($"benchmark: checkout '{scenario}': warming up {options.WarmUp} s, then until the services' JIT has settled (under {SettledJitMs} ms each in {WarmUpRound.TotalSeconds:N0} s, at most {MaxWarmUp.TotalSeconds:N0} s)");
        var clock = Stopwatch.StartNew();
        await DriveAsync(gateway, pick, TimeSpan.FromSeconds(options.WarmUp), cancellationToken);
        while (clock.Elapsed < MaxWarmUp)
        {
            var before = await CountersAsync(cancellationToken);
            var (tally, elapsed) = await DriveAsync(gateway, pick, WarmUpRound, cancellationToken, quiet: true);
            var after = await CountersAsync(cancellationToken);
            var jit = after.ToDictionary(a => a.Key, a => Value(a.Value, "jit.compilationMs") - Value(before[a.Key], "jit.compilationMs"));
            Console.WriteLine($"  warm-up {clock.Elapsed.TotalSeconds:N0} s: {tally.Orders / elapsed.TotalSeconds:N1} orders/s; JIT in the last {WarmUpRound.TotalSeconds:N0} s: {string.Join(", ", jit.Select(j => $"{j.Key} {j.Value} ms"))}");
            if (jit.Values.All(ms => ms < SettledJitMs))
                return;
        }
        Console.WriteLine($"  warm-up stopped at {MaxWarmUp.TotalSeconds:N0} s with the JIT still busy: the figures below include compilation");
    }

    private static readonly TimeSpan WarmUpRound = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(180);
    private const long SettledJitMs = 50;

    /// <summary>What a stretch of buying gave: every placed order's placeOrder latency, and the counts.</summary>
    private sealed class Tally(long? started = null)
    {
        /// <summary>The latencies of the orders placed.</summary>
        public readonly List<double> Latencies = [];

        /// <summary>The latencies of every placeOrder sent: placed, out of stock, refused, failed or unanswered (to the client's timeout).</summary>
        public readonly List<double> Answered = [];
        public long Orders, OutOfStock, Failures;

        /// <summary>Orders placed by buyers before the window (<c>--rate</c>'s settling), counted only in fulfillment's steps per order.</summary>
        public long OrdersBeforeWindow;
        public string? FirstFailure;

        /// <summary>Failures by step and code ("placeOrder CATALOG_UNAVAILABLE"): where an overloaded stack refuses.</summary>
        public readonly ConcurrentDictionary<string, long> FailuresByCode = new(StringComparer.Ordinal);
        private readonly long _started = started ?? Stopwatch.GetTimestamp();

        /// <summary>The placed orders' latencies by the second of the window they were answered in.</summary>
        private readonly Dictionary<int, List<double>> _bySecond = [];

        public void Count(string? code, double milliseconds, string step = "placeOrder")
        {
            if (step == "placeOrder")
            {
                lock (Answered)
                    Answered.Add(milliseconds);
            }
            switch (code)
            {
                case null:
                    Interlocked.Increment(ref Orders);
                    var second = (int)Stopwatch.GetElapsedTime(_started).TotalSeconds;
                    lock (Latencies)
                    {
                        Latencies.Add(milliseconds);
                        if (!_bySecond.TryGetValue(second, out var answered))
                            _bySecond[second] = answered = [];
                        answered.Add(milliseconds);
                    }
                    break;
                case "OUT_OF_STOCK" or "INSUFFICIENT_STOCK":
                    Interlocked.Increment(ref OutOfStock);
                    break;
                default:
                    Interlocked.Increment(ref Failures);
                    Interlocked.CompareExchange(ref FirstFailure, code, null);
                    FailuresByCode.AddOrUpdate($"{step} {code}", 1, (_, n) => n + 1);
                    break;
            }
        }

        public string Progress => $"{Interlocked.Read(ref Orders):N0} orders, {Interlocked.Read(ref OutOfStock):N0} out of stock, {Interlocked.Read(ref Failures):N0} failed";

        /// <summary>
        /// Whether the slow answers are spread over the window or bunched in a few seconds (a
        /// stall, a burst of background work): the p99 of each second's answers, their median, and the worst seconds.
        /// </summary>
        public string Seconds(int worst)
        {
            var p99s = SecondsByP99();
            if (p99s.Count == 0)
                return "no order placed";
            return $"p99 of each second's answers: median {p99s[p99s.Count / 2].P99:N0} ms; worst: "
                + string.Join(", ", p99s.Take(worst).Select(s => $"{s.P99:N0} ms at {s.Second} s ({s.Count} answers)"));
        }

        /// <summary>The <paramref name="worst"/> seconds by p99, then the median one, to set them beside.</summary>
        public IEnumerable<(string Label, int Second, double P99, int Answers)> WorstAndMedianSeconds(int worst)
        {
            var p99s = SecondsByP99();
            return p99s.Count == 0
                ? []
                : p99s.Take(worst).Select(s => ("worst", s.Second, s.P99, s.Count))
                    .Append(("median", p99s[p99s.Count / 2].Second, p99s[p99s.Count / 2].P99, p99s[p99s.Count / 2].Count));
        }

        /// <summary>Each second's p99 and count of answers, the slowest second first.</summary>
        private List<(int Second, double P99, int Count)> SecondsByP99() =>
            _bySecond.Select(s =>
            {
                s.Value.Sort();
                return (Second: s.Key, P99: Percentile(s.Value, 0.99), Count: s.Value.Count);
            }).OrderByDescending(s => s.P99).ToList();
    }

    /// <summary><c>--concurrency</c> buyers, each placing order after order as fast as the answers come (a closed loop).</summary>
    private async Task<(Tally Tally, TimeSpan Elapsed)> DriveAsync(
        Uri gateway, Func<Random, string> pick, TimeSpan duration, CancellationToken cancellationToken, bool quiet = false, Tally? into = null)
    {
        var tally = into ?? new Tally();
        var clock = Stopwatch.StartNew();
        var progress = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(async worker =>
        {
            var random = new Random(worker);
            while (clock.Elapsed < duration && !cancellationToken.IsCancellationRequested)
            {
                await BuyAsync(gateway, pick(random), tally, cancellationToken);
                if (!quiet && progress.Elapsed > TimeSpan.FromSeconds(5))
                {
                    progress.Restart();
                    Console.WriteLine($"  {clock.Elapsed.TotalSeconds:N0} s: {tally.Progress}");
                }
            }
        }));
        return (tally, clock.Elapsed);
    }

    /// <summary>
    /// <c>--rate</c> new buyers a second, each arriving on schedule whether or not the ones before
    /// were answered (an open loop, as shoppers arrive): the latency at that rate, not the queue
    /// of a fixed number of buyers. A rate the stack cannot sustain shows as buyers piling up
    /// (the most at once is printed) and as latencies that grow through the window.
    /// The buyers arrive at the rate for <see cref="SettleAtRate"/> before the window, which
    /// <paramref name="startMeasuring"/> then opens without a pause in the arrivals: the
    /// warm-up's buyers run back to back, faster than the rate, and the fulfillment of their
    /// orders comes due seconds later. The readings are also taken once, unused, as the
    /// settling starts: the first taken under load came with seconds of stall (up to 319
    /// buyers waiting) that made the window's first seconds its slowest.
    /// </summary>
    private async Task<(Tally Tally, TimeSpan Elapsed)> DriveAtRateAsync(
        Uri gateway, Func<Random, string> pick, TimeSpan duration, Func<long, Task> startMeasuring, CancellationToken cancellationToken)
    {
        Console.WriteLine($"  settling at the rate for {SettleAtRate.TotalSeconds:N0} s before the window");
        var settling = new Tally();
        Tally? tally = null;
        Task? started = null;
        var buyers = new List<Task>();
        var random = new Random(1);
        var (inFlight, mostInFlight, firstInWindow) = (0, 0, 0);
        var clock = Stopwatch.StartNew();
        var window = Stopwatch.StartNew();
        var progress = Stopwatch.StartNew();
        var rehearsal = Task.Run(() => startMeasuring(Stopwatch.GetTimestamp()), cancellationToken);
        while (clock.Elapsed < SettleAtRate + duration && !cancellationToken.IsCancellationRequested)
        {
            if (tally is null && clock.Elapsed >= SettleAtRate)
            {
                // The readings the window is measured against are taken while buyers keep arriving.
                window.Restart();
                progress.Restart();
                // One instant for the window's seconds: the answers' and the probe's.
                var opened = Stopwatch.GetTimestamp();
                (tally, started) = (new Tally(opened), Task.Run(async () =>
                {
                    await rehearsal;
                    await startMeasuring(opened);
                }, cancellationToken));
                (mostInFlight, firstInWindow) = (Volatile.Read(ref inFlight), buyers.Count);
            }
            var due = (long)(clock.Elapsed.TotalSeconds * options.Rate);
            while (buyers.Count < due)
            {
                mostInFlight = Math.Max(mostInFlight, Interlocked.Increment(ref inFlight));
                var sku = pick(random);
                var counted = tally ?? settling;
                buyers.Add(Task.Run(async () =>
                {
                    try
                    {
                        await BuyAsync(gateway, sku, counted, cancellationToken);
                    }
                    finally
                    {
                        Interlocked.Decrement(ref inFlight);
                    }
                }, cancellationToken));
            }
            if (progress.Elapsed > TimeSpan.FromSeconds(5))
            {
                progress.Restart();
                Console.WriteLine(tally is null
                    ? $"  settling {clock.Elapsed.TotalSeconds:N0} s: {Volatile.Read(ref inFlight):N0} waiting for answers; {settling.Progress}"
                    : $"  {window.Elapsed.TotalSeconds:N0} s: {buyers.Count - firstInWindow:N0} buyers arrived, {Volatile.Read(ref inFlight):N0} waiting for answers; {tally.Progress}");
            }
            await Task.Delay(1, cancellationToken);
        }
        await Task.WhenAll(buyers);
        if (tally is null || started is null)
            throw new OperationCanceledException(cancellationToken);
        await started;
        tally.OrdersBeforeWindow = Interlocked.Read(ref settling.Orders);
        Console.WriteLine($"  {buyers.Count - firstInWindow:N0} buyers arrived in {duration.TotalSeconds:N0} s ({(buyers.Count - firstInWindow) / duration.TotalSeconds:N1} a second); at most {mostInFlight:N0} waiting for answers at once; the last answered {window.Elapsed.TotalSeconds - duration.TotalSeconds:N1} s after the window");
        return (tally, window.Elapsed);
    }

    private static readonly TimeSpan SettleAtRate = TimeSpan.FromSeconds(20);

    /// <summary>One buyer (<see cref="Buyer"/>: a new customer or, on a history, one of its customers) adds a unit of <paramref name="sku"/> and places the order with <c>tok_visa</c>.</summary>
    private async Task BuyAsync(Uri gateway, string sku, Tally tally, CancellationToken cancellationToken)
    {
        var step = "addToCart";
        var started = Stopwatch.GetTimestamp();
        try
        {
            await BuyOnceAsync(gateway, sku, tally, s => (step, started) = (s, Stopwatch.GetTimestamp()), cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && IsTransportFailure(ex))
        {
            // No answer, or none that reads (a connection lost, the client's timeout, a body
            // that is not GraphQL): a failure of its step, counted as any other; it ended the
            // whole run before.
            tally.Count($"NO_ANSWER ({ex.GetType().Name})", step == "placeOrder" ? Stopwatch.GetElapsedTime(started).TotalMilliseconds : 0, step);
        }
    }

    private static bool IsTransportFailure(Exception ex) =>
        ex is HttpRequestException or TaskCanceledException or JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException;

    private async Task BuyOnceAsync(Uri gateway, string sku, Tally tally, Action<string> placing, CancellationToken cancellationToken)
    {
        var buyer = Buyer();
        // Left out for the rest of the run unless the order was placed (see Buyer).
        if (await BuyAsAsync(buyer, gateway, sku, tally, placing, cancellationToken))
            _shopping.TryRemove(buyer, out _);
    }

    /// <summary>True when the order was placed.</summary>
    private async Task<bool> BuyAsAsync(string buyer, Uri gateway, string sku, Tally tally, Action<string> placing, CancellationToken cancellationToken)
    {
        var token = Mint(buyer, "customer");
        var added = await PostAsync(gateway, token, "mutation($input: AddToCartInput!) { addToCart(input: $input) { errors { code } } }",
            new { input = new { sku, quantity = 1 } }, cancellationToken);
        if (Code(added, "addToCart") is { } addError)
        {
            tally.Count(addError, 0, "addToCart");
            return false;
        }
        placing("placeOrder");
        var started = Stopwatch.GetTimestamp();
        var placed = await PostAsync(gateway, token, "mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { order { status } errors { code } } }",
            new { input = new { idempotencyKey = Guid.NewGuid().ToString("N"), shippingAddress = Address, shippingRateId = "usps-ground-advantage-domestic", payment = new { cardToken = "tok_visa" } } },
            cancellationToken);
        var refused = Code(placed, "placeOrder");
        tally.Count(refused, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return refused is null;
    }

    /// <summary>
    /// Fulfillment steps taken so far in this run (shipment events: one per parcel and step, and the
    /// benchmark's orders ship in one parcel; the history's are not counted), and how far behind the
    /// steps run (no history order is in a status the waves take up): orders whose
    /// next step came due more than <see cref="Grace"/> ago (a step is taken within a wave
    /// interval or so of its due time when the service keeps up). A run that falls behind
    /// leaves work for after the window, and its orders per second overstate what it sustains.
    /// </summary>
    private async Task<(long Steps, long Overdue, double OldestLateSeconds)> FulfillmentAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString(GatewayStack.OrdersDatabase));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            select (select count(*) from orders.shipment_events where "ShipmentId" >= $2),
                   count(*) filter (where updated_at < now() - $1),
                   coalesce(extract(epoch from now() - min(updated_at)), 0)::float8
            from orders.fulfillment_queue
            """, connection)
        {
            Parameters = { new() { Value = GatewayStack.FulfillmentStepDelay + Grace }, new() { Value = _firstOwnShipment } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1), Math.Max(0, reader.GetDouble(2) - GatewayStack.FulfillmentStepDelay.TotalSeconds));
    }

    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(5);

    /// <summary>PostgreSQL's WAL so far, over every database (pg_stat_wal).</summary>
    private readonly record struct Wal(long Records, long FullPageImages, decimal Bytes, long Syncs)
    {
        public Wal Minus(Wal before) => new(Records - before.Records, FullPageImages - before.FullPageImages, Bytes - before.Bytes, Syncs - before.Syncs);

        /// <summary>
        /// Full-page images are a page's first change after a checkpoint written whole: a run
        /// soon after one (the copy of the orders database makes one) writes more of them.
        /// </summary>
        public string PerOrder(int orders) =>
            $"WAL per placeOrder (every database): {Records / (double)orders:N1} records, {FullPageImages / (double)orders:N1} full-page images, {Bytes / orders / 1024m:N1} kB, {Syncs / (double)orders:N2} syncs";
    }

    private async Task<Wal> WalAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(settings.ConnectionString("postgres"));
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("select wal_records, wal_fpi, wal_bytes, wal_sync from pg_stat_wal", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new Wal(reader.GetInt64(0), reader.GetInt64(1), reader.GetDecimal(2), reader.GetInt64(3));
    }

    private static string Behind((long Steps, long Overdue, double OldestLateSeconds) fulfillment) =>
        fulfillment.Overdue == 0
            ? "no step overdue"
            : $"{fulfillment.Overdue:N0} orders' steps overdue (more than {Grace.TotalSeconds:N0} s), the oldest {fulfillment.OldestLateSeconds:N0} s late";

    /// <summary>
    /// CPU time so far of each subgraph, the .NET gateway, PostgreSQL and Redis (all their
    /// processes, a snapshot's child too) and this program (the buyers).
    /// </summary>
    private Dictionary<string, TimeSpan> CpuParts()
    {
        var parts = stack.SubgraphProcesses.ToDictionary(p => p.Name, p => p.CpuTime());
        parts["gateway"] = stack.DotNetGateway.CpuTime();
        foreach (var (name, command) in ProcessTree.Stores)
            parts[name] = ProcessTree.CpuTimeOfCommand(command);
        parts["buyers"] = Process.GetCurrentProcess().TotalProcessorTime;
        return parts;
    }

    /// <summary>The .NET processes of the stack by name, for the probe to read their GC threads.</summary>
    private Dictionary<string, int> DotNetProcesses()
    {
        var processes = stack.SubgraphProcesses.ToDictionary(p => p.Name, p => p.Id);
        processes["gateway"] = stack.DotNetGateway.Id;
        return processes;
    }

    /// <summary>Each subgraph's /diagnostics/counters (GraphQL requests, store round trips).</summary>
    private async Task<Dictionary<string, JsonElement>> CountersAsync(CancellationToken cancellationToken)
    {
        var counters = new Dictionary<string, JsonElement>();
        foreach (var service in stack.SubgraphProcesses.Where(p => p.Name is "orders" or "catalog"))
            counters[service.Name] = await _http.GetFromJsonAsync<JsonElement>(new Uri(service.BaseUrl, "diagnostics/counters"), cancellationToken);
        return counters;
    }

    private static string PerOrder(Dictionary<string, JsonElement> before, Dictionary<string, JsonElement> after, long placed) =>
        string.Join("; ", after.Select(a =>
        {
            long Change(string name) => Value(a.Value, name) - Value(before[a.Key], name);
            double Delta(string name) => Change(name) / (double)Math.Max(1, placed);
            var (statements, held) = (Change("reservationHolds.statements"), Change("reservationHolds.reservations"));
            return $"{a.Key} {Delta("graphqlRequests"):N1} GraphQL requests, {Delta("storeRoundTrips"):N1} PostgreSQL round trips"
                + (statements > 0 ? $" ({held / (double)statements:N1} reservations per hold statement)" : "")
                + (Change("admission.refused") is > 0 and var refused ? $", {refused:N0} requests refused at the door" : "");
        }));

    private static long Value(JsonElement counters, string name) =>
        counters.TryGetProperty(name, out var value) && value.TryGetInt64(out var number) ? number : 0;

    /// <summary>The first error code of a payload or of the response; null when the mutation succeeded.</summary>
    private static string? Code(JsonElement response, string field)
    {
        if (response.TryGetProperty("errors", out var errors))
            return errors.GetArrayLength() == 0 ? "GRAPHQL_ERROR" : errors[0].TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("code", out var code) ? code.GetString() : "GRAPHQL_ERROR";
        var payloadErrors = response.GetProperty("data").GetProperty(field).GetProperty("errors");
        return payloadErrors.GetArrayLength() == 0 ? null : payloadErrors[0].GetProperty("code").GetString();
    }

    /// <summary>
    /// The hot SKU gets a million units and each spread SKU a thousand more, so the scenarios
    /// measure placing orders (and contention), not running out: the catalog's stock is kept
    /// from one run to the next, and earlier runs emptied the spread SKUs.
    /// </summary>
    private async Task TopUpAsync(Uri catalog, CancellationToken cancellationToken)
    {
        Console.WriteLine($"benchmark: stocking {HotSku} and the {SpreadSkus} spread SKUs");
        var admin = Mint("user-000000", "admin");
        var stock = new[] { (Sku: HotSku, Units: 1_000_000) }.Concat(Enumerable.Range(1, SpreadSkus).Select(i => (Sku: SpreadSku(i), Units: 1_000)));
        await Parallel.ForEachAsync(stock, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var response = await PostAsync(catalog, admin,
                "mutation($input: AdjustStockInput!) { adjustStock(input: $input) { stockLevel { onHand } errors { code } } }",
                new { input = new { sku = item.Sku, fulfillmentCenter = "FC-EAST", delta = item.Units } }, ct);
            if (Code(response, "adjustStock") is { } code)
                throw new BenchmarkException($"could not stock {item.Sku}: {code}");
        });
    }

    private const int SpreadSkus = 1000;

    private static string SpreadSku(int product) => $"SKU-{product:D7}-01";

    private async Task<JsonElement> PostAsync(Uri url, string token, string query, object variables, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, cancellationToken);
        return await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
    }

    private string Mint(string subject, string role)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(30),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_key), SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["email"] = $"{subject}@bench.example", ["role"] = role },
        });
    }

    private static ECDsa LoadKey(StackSettings settings)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(settings.KeyFiles.SigningKey));
        return key;
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
