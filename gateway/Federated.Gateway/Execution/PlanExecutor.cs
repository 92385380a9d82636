using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federated.Gateway.Planning;
using Microsoft.Extensions.Logging;

namespace Federated.Gateway.Execution;

/// <summary>
/// Runs a query plan: sequences in order, parallel branches concurrently, each fetch's
/// result merged into the response tree. A failed fetch becomes an error; the rest of the
/// plan goes on, so the client gets partial data.
/// </summary>
public sealed class PlanExecutor(SubgraphClient client, ILogger<PlanExecutor> logger)
{
    /// <summary>Spans for subgraph fetches; free unless a tracer listens.</summary>
    public static readonly ActivitySource Activities = new("Federated.Gateway");

    private static readonly byte[] VariablesProperty = ",\"variables\":"u8.ToArray();

    public Task ExecuteAsync(QueryPlan plan, ExecutionState state, CancellationToken cancellationToken) =>
        plan.Root is null ? Task.CompletedTask : RunAsync(plan.Root, state, cancellationToken);

    private async Task RunAsync(PlanNode node, ExecutionState state, CancellationToken cancellationToken)
    {
        switch (node)
        {
            case SequenceNode sequence:
                foreach (var child in sequence.Nodes)
                    await RunAsync(child, state, cancellationToken);
                break;
            case ParallelNode parallel:
                var tasks = new Task[parallel.Nodes.Count];
                for (var i = 0; i < tasks.Length; i++)
                    tasks[i] = RunAsync(parallel.Nodes[i], state, cancellationToken);
                await Task.WhenAll(tasks);
                break;
            case FetchNode fetch:
                using (var activity = Activities.HasListeners() ? Activities.StartActivity("fetch " + fetch.Subgraph, ActivityKind.Client) : null)
                {
                    activity?.SetTag("graphql.subgraph", fetch.Subgraph);
                    activity?.SetTag("graphql.merge_path", fetch.MergePath is null ? null : string.Join('.', fetch.MergePath));
                    await FetchAsync(fetch, state, cancellationToken);
                }
                break;
        }
    }

    private async Task FetchAsync(FetchNode fetch, ExecutionState state, CancellationToken cancellationToken)
    {
        try
        {
            if (fetch.IsEntityFetch)
                await FetchEntitiesAsync(fetch, state, cancellationToken);
            else
                await FetchRootAsync(fetch, state, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException or System.Text.Json.JsonException)
        {
            // A response the gateway cannot read (duplicate keys, wrong shapes) fails this fetch only.
            logger.LogWarning(ex, "Subgraph {Subgraph} sent a response that cannot be merged", fetch.Subgraph);
            state.AddError(GatewayError.Coded($"The subgraph '{fetch.Subgraph}' sent an invalid response.", "SUBGRAPH_INVALID_RESPONSE", FailedFetchPath(fetch), fetch.Subgraph));
        }
    }

    private async Task FetchRootAsync(FetchNode fetch, ExecutionState state, CancellationToken cancellationToken)
    {
        var body = BuildBody(fetch, state, null);
        var response = await SendAsync(fetch, body, state, cancellationToken);
        if (response is null)
            return;
        lock (state.Sync)
        {
            if (response["data"] is JsonObject data)
            {
                if (fetch.HasShapeAliases)
                    RestoreShapeAliases(data);
                ResultMerger.Merge(state.Data, data, state.Supergraph);
            }
            if (response["errors"] is JsonArray errors)
                foreach (var error in errors)
                    state.Errors.Add(ToGatewayError(error, fetch.Subgraph, path: null));
        }
    }

    /// <summary>Puts fields that travelled under a shape alias back under their response keys.</summary>
    private static void RestoreShapeAliases(JsonNode? node)
    {
        switch (node)
        {
            case JsonArray list:
                foreach (var item in list)
                    RestoreShapeAliases(item);
                break;
            case JsonObject obj:
                List<(string Alias, string Key)>? renames = null;
                foreach (var (key, value) in obj)
                {
                    if (SubgraphSelection.KeyOfShapeAlias(key) is { } original)
                        (renames ??= []).Add((key, original));
                    RestoreShapeAliases(value);
                }
                if (renames is not null)
                {
                    foreach (var (alias, key) in renames)
                    {
                        obj.Remove(alias, out var value);
                        obj[key] = value;
                    }
                }
                break;
        }
    }

    private async Task FetchEntitiesAsync(FetchNode fetch, ExecutionState state, CancellationToken cancellationToken)
    {
        Representations representations;
        lock (state.Sync)
            representations = Representations.Collect(state.Data, fetch, state.Supergraph);
        if (representations.Unique.Count == 0)
            return;

        var body = BuildBody(fetch, state, representations.Unique);
        var response = await SendAsync(fetch, body, state, cancellationToken);
        if (response is null)
            return;
        lock (state.Sync)
        {
            if (response["data"] is JsonObject data && data["_entities"] is JsonArray entities)
            {
                if (fetch.HasShapeAliases)
                    RestoreShapeAliases(entities);
                for (var i = 0; i < entities.Count && i < representations.Targets.Count; i++)
                {
                    if (entities[i] is not JsonObject entity)
                        continue;
                    var targets = representations.Targets[i];
                    for (var t = 0; t < targets.Count; t++)
                        // The last target takes the nodes themselves; the others need copies.
                        ResultMerger.Merge(targets[t].Target, t == targets.Count - 1 ? entity : (JsonObject)entity.DeepClone(), state.Supergraph);
                }
            }
            if (response["errors"] is JsonArray errors)
                foreach (var error in errors)
                    AddEntityError(state, error, fetch.Subgraph, representations);
        }
    }

    private static void AddEntityError(ExecutionState state, JsonNode? error, string subgraph, Representations representations)
    {
        // A subgraph path ["_entities", i, ...rest] belongs to every object representation i answers.
        if (error?["path"] is JsonArray path && path.Count >= 2 && path[0] is JsonValue first && first.TryGetValue<string>(out var head) && head == "_entities"
            && path[1] is JsonValue indexValue && indexValue.TryGetValue<int>(out var index) && index < representations.Targets.Count)
        {
            foreach (var (_, targetPath) in representations.Targets[index])
            {
                var gatewayPath = targetPath.ToList();
                for (var i = 2; i < path.Count; i++)
                    gatewayPath.Add(Segment(path[i]));
                state.Errors.Add(ToGatewayError(error, subgraph, gatewayPath));
            }
            return;
        }
        state.Errors.Add(ToGatewayError(error, subgraph, path: null));
    }

    private async Task<JsonObject?> SendAsync(FetchNode fetch, ReadOnlyMemory<byte> body, ExecutionState state, CancellationToken cancellationToken)
    {
        var subgraph = state.Supergraph.Subgraph(fetch.Subgraph);
        try
        {
            return await client.SendAsync(subgraph, body, state.Headers, cancellationToken);
        }
        catch (SubgraphException ex)
        {
            logger.LogWarning("Subgraph {Subgraph} at {Url} failed: {Reason}", subgraph.Name, subgraph.Url, ex.Detail is null ? ex.Message : $"{ex.Message} ({ex.Detail})");
            var message = $"The subgraph '{subgraph.Name}' failed: {ex.Message}";
            if (fetch.RootFields.Count == 0)
                state.AddError(GatewayError.Coded(message, "SUBGRAPH_UNAVAILABLE", FailedFetchPath(fetch), subgraph.Name));
            // A failed root fetch is the error of each root field it was to answer.
            foreach (var field in fetch.RootFields)
                state.AddError(GatewayError.Coded(message, "SUBGRAPH_UNAVAILABLE", [field], subgraph.Name));
            return null;
        }
    }

    /// <summary>
    /// Where a failed entity fetch is reported: its merge path up to the first list (a response path
    /// has no "every item" segment), as the reference gateway reports it; none for a root fetch.
    /// </summary>
    internal static List<object>? FailedFetchPath(FetchNode fetch) =>
        fetch.MergePath is null ? null : [.. fetch.MergePath.TakeWhile(segment => segment != "@")];

    private static ReadOnlyMemory<byte> BuildBody(FetchNode fetch, ExecutionState state, List<byte[]>? representations)
    {
        var buffer = new ArrayBufferWriter<byte>(fetch.QueryJsonPrefix.Length + 256);
        buffer.Write(fetch.QueryJsonPrefix);
        if (representations is null && fetch.Variables.Count == 0)
        {
            buffer.Write("}"u8);
            return buffer.WrittenMemory;
        }
        buffer.Write(VariablesProperty);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            if (representations is not null)
            {
                writer.WriteStartArray(fetch.RepresentationsVariable);
                foreach (var representation in representations)
                    writer.WriteRawValue(representation, skipInputValidation: true);
                writer.WriteEndArray();
            }
            if (state.Variables.ValueKind == JsonValueKind.Object)
            {
                foreach (var name in fetch.Variables)
                {
                    if (state.Variables.TryGetProperty(name, out var value))
                    {
                        writer.WritePropertyName(name);
                        value.WriteTo(writer);
                    }
                }
            }
            writer.WriteEndObject();
        }
        buffer.Write("}"u8);
        return buffer.WrittenMemory;
    }

    private static GatewayError ToGatewayError(JsonNode? error, string subgraph, List<object>? path)
    {
        var message = error?["message"] is JsonValue m && m.TryGetValue<string>(out var text) ? text : "The subgraph returned an error.";
        if (path is null && error?["path"] is JsonArray subgraphPath)
            path = subgraphPath.Select(Segment).ToList();
        var extensions = error?["extensions"] is JsonObject ext ? (JsonObject)ext.DeepClone() : null;
        return new GatewayError(message, path, extensions);
    }

    private static object Segment(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<int>(out var index) ? index : node?.ToString() ?? "";
}
