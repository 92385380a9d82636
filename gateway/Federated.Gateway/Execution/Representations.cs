using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federated.Gateway.Operations;
using Federated.Gateway.Planning;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Execution;

/// <summary>
/// The objects an entity fetch extends: found at its merge path, each turned into a
/// representation, identical representations sent once and answered to every object.
/// </summary>
internal sealed class Representations
{
    public List<byte[]> Unique { get; } = [];
    /// <summary>For each unique representation, the response objects it answers and their paths.</summary>
    public List<List<(JsonObject Target, ResponsePath Path)>> Targets { get; } = [];

    public static Representations Collect(JsonObject data, FetchNode fetch, SupergraphModel supergraph)
    {
        var result = new Representations();
        var index = new Dictionary<string, int>();
        var buffer = new ArrayBufferWriter<byte>(256);
        using var writer = new Utf8JsonWriter(buffer);
        Walk(data, null, fetch.MergePath!, 0, fetch, supergraph, result, index, writer, buffer);
        return result;
    }

    private static void Walk(JsonNode? node, ResponsePath? path, IReadOnlyList<string> mergePath, int depth, FetchNode fetch, SupergraphModel supergraph,
        Representations result, Dictionary<string, int> index, Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        if (node is null)
            return;
        if (depth == mergePath.Count)
        {
            if (node is JsonObject target)
                Add(target, path!, fetch, supergraph, result, index, writer, buffer);
            else if (node is JsonArray list)
                // A merge path may stop at a list (a key field's type is a list of entities).
                for (var i = 0; i < list.Count; i++)
                    Walk(list[i], new ResponsePath(path, i), mergePath, depth, fetch, supergraph, result, index, writer, buffer);
            return;
        }
        var segment = mergePath[depth];
        if (segment == "@")
        {
            if (node is JsonArray list)
                for (var i = 0; i < list.Count; i++)
                    Walk(list[i], new ResponsePath(path, i), mergePath, depth + 1, fetch, supergraph, result, index, writer, buffer);
            return;
        }
        if (node is JsonObject obj && obj.TryGetPropertyValue(segment, out var child))
            Walk(child, new ResponsePath(path, segment), mergePath, depth + 1, fetch, supergraph, result, index, writer, buffer);
    }

    private static void Add(JsonObject target, ResponsePath path, FetchNode fetch, SupergraphModel supergraph,
        Representations result, Dictionary<string, int> index, Utf8JsonWriter writer, ArrayBufferWriter<byte> buffer)
    {
        if (Typenames.Of(target, supergraph) is not { } typename)
            return;
        RepresentationShape? shape = null;
        foreach (var candidate in fetch.Representations!)
        {
            if (supergraph.IsPossibleType(candidate.TypeName, typename))
            {
                shape = candidate;
                break;
            }
        }
        if (shape is null)
            return;

        // One writer for every representation of the fetch, reset onto the same buffer.
        buffer.ResetWrittenCount();
        writer.Reset(buffer);
        writer.WriteStartObject();
        writer.WriteString("__typename", shape.TypenameOverride ?? typename);
        if (!WriteFields(writer, target, shape.Fields, typename, supergraph))
            return;
        writer.WriteEndObject();
        writer.Flush();
        var key = Encoding.UTF8.GetString(buffer.WrittenSpan);
        if (!index.TryGetValue(key, out var position))
        {
            position = result.Unique.Count;
            index[key] = position;
            result.Unique.Add(buffer.WrittenSpan.ToArray());
            result.Targets.Add([]);
        }
        result.Targets[position].Add((target, path));
    }

    /// <summary>Writes the key and required fields of <paramref name="source"/>; false when a key field is missing.</summary>
    private static bool WriteFields(Utf8JsonWriter writer, JsonObject source, SelectionSet fields, string typename, SupergraphModel supergraph)
    {
        foreach (var field in fields.Collect(typename, supergraph))
        {
            if (field.Field.IsTypename)
                continue;
            if (!source.TryGetPropertyValue(field.ResponseKey, out var value))
                return false;
            writer.WritePropertyName(field.Field.Name);
            if (!WriteValue(writer, value, field.SelectionSet, supergraph))
                return false;
        }
        return true;
    }

    private static bool WriteValue(Utf8JsonWriter writer, JsonNode? value, SelectionSet? selection, SupergraphModel supergraph)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                return true;
            case JsonArray list:
                writer.WriteStartArray();
                foreach (var item in list)
                    if (!WriteValue(writer, item, selection, supergraph))
                        return false;
                writer.WriteEndArray();
                return true;
            case JsonObject obj when selection is not null:
                var typename = Typenames.Of(obj, supergraph) ?? selection.TypeName;
                writer.WriteStartObject();
                if (supergraph.Type(selection.TypeName).IsAbstract)
                    writer.WriteString("__typename", typename);
                if (!WriteFields(writer, obj, selection, typename, supergraph))
                    return false;
                writer.WriteEndObject();
                return true;
            default:
                value.WriteTo(writer);
                return true;
        }
    }
}
