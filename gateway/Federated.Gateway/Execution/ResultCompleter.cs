using System.Text.Json;
using System.Text.Json.Nodes;
using Federated.Gateway.Operations;
using Federated.Gateway.Supergraph;
using GraphQLParser.AST;

namespace Federated.Gateway.Execution;

/// <summary>
/// Shapes the merged data into the client's response: fields in the client's selection
/// order under its aliases, planner-added fields left out, <c>__typename</c> filled in,
/// and nulls propagated by the API schema's nullability (the spec's "completeValue").
/// </summary>
public static class ResultCompleter
{
    /// <summary>
    /// Applies null propagation in place; false when the whole data becomes null. A null in a
    /// non-null position gets the spec's error there, unless an error already names that path.
    /// </summary>
    public static bool Complete(JsonObject data, SelectionSet selection, string rootType, SupergraphModel supergraph, List<GatewayError> errors) =>
        new Completion(supergraph, errors).CompleteObject(data, selection, rootType);

    public static void Write(Utf8JsonWriter writer, JsonObject data, SelectionSet selection, string rootType, SupergraphModel supergraph) =>
        WriteObject(writer, data, selection, rootType, supergraph);

    private sealed class Completion(SupergraphModel supergraph, List<GatewayError> errors)
    {
        // The path of the value being completed, kept without allocating: a key or an index per level.
        private (string? Key, int Index)[] _path = new (string?, int)[16];
        private int _depth;

        public bool CompleteObject(JsonObject obj, SelectionSet selection, string runtimeType)
        {
            foreach (var field in selection.Collect(runtimeType, supergraph))
            {
                var definition = field.Field.Definition;
                if (definition is null)
                    continue;
                obj.TryGetPropertyValue(field.ResponseKey, out var value);
                var type = definition.Type;
                var nonNull = type is GraphQLNonNullType;
                Push(field.ResponseKey, 0);
                var complete = CompleteValue(value, nonNull ? ((GraphQLNonNullType)type).Type : type, field.SelectionSet, definition);
                if (!complete && nonNull && value is null)
                    ReportNull(definition);
                Pop();
                if (complete)
                    continue;
                if (nonNull)
                    return false;
                if (value is not null)
                    obj[field.ResponseKey] = null;
            }
            return true;
        }

        /// <summary>False when the value is, or must become, null.</summary>
        private bool CompleteValue(JsonNode? value, GraphQLType type, SelectionSet? selection, FieldDef definition)
        {
            if (value is null)
                return false;
            if (type is GraphQLListType listType)
            {
                if (value is not JsonArray list)
                    return false;
                var itemNonNull = listType.Type is GraphQLNonNullType;
                var itemType = itemNonNull ? ((GraphQLNonNullType)listType.Type).Type : listType.Type;
                for (var i = 0; i < list.Count; i++)
                {
                    var item = list[i];
                    Push(null, i);
                    var complete = CompleteValue(item, itemType, selection, definition);
                    if (!complete && itemNonNull && item is null)
                        ReportNull(definition);
                    Pop();
                    if (complete)
                        continue;
                    if (itemNonNull)
                        return false;
                    if (item is not null)
                        list[i] = null;
                }
                return true;
            }
            if (selection is null)
            {
                // A subgraph may answer an enum value the API does not have (one @inaccessible, or
                // known only to that subgraph): it cannot be serialized, so it is a field error.
                if (supergraph.Types.TryGetValue(definition.NamedType, out var leaf) && leaf.EnumValues is { } values
                    && !(value is JsonValue text && text.TryGetValue<string>(out var name) && values.Contains(name)))
                {
                    ReportInvalidEnum(leaf.Name, value);
                    return false;
                }
                return true;
            }
            if (value is not JsonObject obj)
                return false;
            var runtimeType = RuntimeType(obj, selection.TypeName, supergraph);
            return runtimeType is not null && CompleteObject(obj, selection, runtimeType);
        }

        private void Push(string? key, int index)
        {
            if (_depth == _path.Length)
                Array.Resize(ref _path, _path.Length * 2);
            _path[_depth++] = (key, index);
        }

        private void Pop() => _depth--;

        private void ReportInvalidEnum(string enumName, JsonNode value) =>
            errors.Add(new GatewayError($"Enum \"{enumName}\" cannot represent value: {value.ToJsonString()}", CurrentPath()));

        private List<object> CurrentPath()
        {
            var path = new List<object>(_depth);
            for (var i = 0; i < _depth; i++)
                path.Add(_path[i].Key ?? (object)_path[i].Index);
            return path;
        }

        private void ReportNull(FieldDef definition)
        {
            var path = CurrentPath();
            // The subgraph's own error for this place (or a place above it) explains the null already.
            foreach (var error in errors)
                if (error.Path is { } existing && existing.Count <= path.Count && existing.SequenceEqual(path.Take(existing.Count)))
                    return;
            errors.Add(new GatewayError($"Cannot return null for non-nullable field {definition.Parent.Name}.{definition.Name}.", path));
        }
    }

    private static void WriteObject(Utf8JsonWriter writer, JsonObject obj, SelectionSet selection, string runtimeType, SupergraphModel supergraph)
    {
        writer.WriteStartObject();
        foreach (var field in selection.Collect(runtimeType, supergraph))
        {
            writer.WritePropertyName(field.ResponseKey);
            if (field.Field.IsTypename)
            {
                writer.WriteStringValue(runtimeType);
                continue;
            }
            obj.TryGetPropertyValue(field.ResponseKey, out var value);
            if (field.Field.IsIntrospection)
            {
                if (value is null)
                    writer.WriteNullValue();
                else
                    value.WriteTo(writer);
                continue;
            }
            WriteValue(writer, value, field.SelectionSet, supergraph);
        }
        writer.WriteEndObject();
    }

    private static void WriteValue(Utf8JsonWriter writer, JsonNode? value, SelectionSet? selection, SupergraphModel supergraph)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonArray list:
                writer.WriteStartArray();
                foreach (var item in list)
                    WriteValue(writer, item, selection, supergraph);
                writer.WriteEndArray();
                break;
            case JsonObject obj when selection is not null:
                var runtimeType = RuntimeType(obj, selection.TypeName, supergraph);
                if (runtimeType is null)
                    writer.WriteNullValue();
                else
                    WriteObject(writer, obj, selection, runtimeType, supergraph);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }

    private static string? RuntimeType(JsonObject obj, string staticType, SupergraphModel supergraph)
    {
        var type = supergraph.Type(staticType);
        if (!type.IsAbstract)
            return staticType;
        // A type the API schema hides (@inaccessible) cannot be a value clients see: the field is null.
        if (Typenames.Of(obj, supergraph) is { } name && supergraph.Types.TryGetValue(name, out var runtime) && !runtime.Inaccessible)
            // An @interfaceObject subgraph names the interface: only its own fields apply then.
            return runtime.Kind == TypeKind.Object || name == staticType || runtime.Kind == TypeKind.Interface ? name : null;
        return null;
    }
}
