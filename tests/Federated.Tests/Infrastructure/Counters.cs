using System.Text.Json;

namespace Federated.Tests.Infrastructure;

/// <summary>A subgraph's work counters (GET /diagnostics/counters), or the difference of two readings.</summary>
public sealed class Counters(IReadOnlyDictionary<string, long> values)
{
    private IReadOnlyDictionary<string, long> Values => values;

    public long this[string name] => values.TryGetValue(name, out var value) ? value : 0;

    public long GraphQLRequests => this["graphqlRequests"];

    public long EntityRequests => this["entityRequests"];

    public long StoreRoundTrips => this["storeRoundTrips"];

    public long Batches(string dataLoader) => this[$"batches.{dataLoader}"];

    /// <summary>What changed since <paramref name="before"/>; counters that did not change are left out.</summary>
    public Counters Since(Counters before) =>
        new(values.Keys.Union(before.Values.Keys)
            .Select(k => (Key: k, Delta: this[k] - before[k]))
            .Where(x => x.Delta != 0)
            .ToDictionary(x => x.Key, x => x.Delta));

    public static Counters Parse(string json) =>
        new(JsonSerializer.Deserialize<Dictionary<string, long>>(json)
            ?? throw new InvalidOperationException($"Counters are not a JSON object: {json}"));

    public override string ToString() =>
        JsonSerializer.Serialize(new SortedDictionary<string, long>(values.ToDictionary(), StringComparer.Ordinal));
}
