using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Federated.Kit.Diagnostics;

/// <summary>
/// Counts the work a subgraph does per request kind, so tests and operators can check the
/// batching claims: GraphQL requests, <c>_entities</c> calls, DataLoader batches and store
/// round trips. The same numbers are published as OpenTelemetry metrics.
/// </summary>
public sealed class KitCounters : IDisposable
{
    public const string MeterName = "Federated.Kit";

    private readonly Meter _meter = new(MeterName);
    private readonly Counter<long> _requests;
    private readonly Counter<long> _entityRequests;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _storeRoundTrips;
    private readonly ConcurrentDictionary<string, long> _values = new();
    private readonly ActivityListener _npgsqlListener;

    public KitCounters()
    {
        _requests = _meter.CreateCounter<long>("federated.graphql.requests");
        _entityRequests = _meter.CreateCounter<long>("federated.graphql.entity_requests");
        _batches = _meter.CreateCounter<long>("federated.dataloader.batches");
        _storeRoundTrips = _meter.CreateCounter<long>("federated.store.round_trips");

        // Npgsql starts one activity per command or batch sent to the server: that is one
        // round trip, whichever library (Marten, EF Core, raw Npgsql) issued it.
        _npgsqlListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.PropagationData,
            ActivityStarted = _ => StoreRoundTrip(),
        };
        ActivitySource.AddActivityListener(_npgsqlListener);
    }

    public void GraphQLRequest() => Add("graphqlRequests", _requests);

    public void EntityRequest() => Add("entityRequests", _entityRequests);

    public void StoreRoundTrip() => Add("storeRoundTrips", _storeRoundTrips);

    /// <summary>Adds to one of the service's own counts: in <see cref="Snapshot"/>, not published as a metric.</summary>
    public void Count(string name, long amount = 1) => _values.AddOrUpdate(name, amount, (_, v) => v + amount);

    public void DataLoaderBatch(string loader)
    {
        _values.AddOrUpdate($"batches.{loader}", 1, (_, v) => v + 1);
        _batches.Add(1, new KeyValuePair<string, object?>("loader", loader));
    }

    /// <summary>
    /// The counters, with the JIT's work so far (methods compiled, milliseconds spent): a
    /// benchmark reads them to warm a service up until its code has settled at its final tier.
    /// </summary>
    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_values, StringComparer.Ordinal)
        {
            ["jit.compiledMethods"] = System.Runtime.JitInfo.GetCompiledMethodCount(),
            ["jit.compilationMs"] = (long)System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds,
        };

    public void Dispose()
    {
        _npgsqlListener.Dispose();
        _meter.Dispose();
    }

    private void Add(string name, Counter<long> counter)
    {
        _values.AddOrUpdate(name, 1, (_, v) => v + 1);
        counter.Add(1);
    }
}
