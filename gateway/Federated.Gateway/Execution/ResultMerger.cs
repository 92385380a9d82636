using System.Text.Json.Nodes;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Execution;

/// <summary>Merges a subgraph's result object into the response tree, moving nodes rather than copying them.</summary>
internal static class ResultMerger
{
    public static void Merge(JsonObject target, JsonObject source, SupergraphModel supergraph)
    {
        if (source.Count == 0)
            return;
        var properties = new KeyValuePair<string, JsonNode?>[source.Count];
        var i = 0;
        foreach (var property in source)
            properties[i++] = property;
        source.Clear();
        foreach (var (key, value) in properties)
        {
            if (!target.TryGetPropertyValue(key, out var existing))
            {
                target[key] = value;
                continue;
            }
            // An @interfaceObject subgraph answers with the interface's name: a concrete name wins.
            if (Typenames.IsTypenameKey(key))
            {
                if (existing is JsonValue current && current.TryGetValue<string>(out var name) && supergraph.Types.TryGetValue(name, out var type) && type.IsAbstract)
                    target[key] = value;
                continue;
            }
            switch (existing, value)
            {
                case (JsonObject a, JsonObject b):
                    Merge(a, b, supergraph);
                    break;
                case (JsonArray a, JsonArray b) when a.Count == b.Count:
                    MergeLists(a, b, supergraph);
                    break;
                default:
                    target[key] = value;
                    break;
            }
        }
    }

    private static void MergeLists(JsonArray target, JsonArray source, SupergraphModel supergraph)
    {
        for (var i = 0; i < target.Count; i++)
        {
            if (target[i] is JsonObject a && source[i] is JsonObject b)
                Merge(a, b, supergraph);
            else if (target[i] is JsonArray la && source[i] is JsonArray lb && la.Count == lb.Count)
                MergeLists(la, lb, supergraph);
        }
    }
}
