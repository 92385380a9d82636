using System.Text.Json;
using System.Text.Json.Nodes;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Execution;

/// <summary>The response being assembled for one request: the merged data tree and the errors so far.</summary>
public sealed class ExecutionState(SupergraphModel supergraph, JsonElement variables, ForwardedHeaders headers)
{
    /// <summary>Fetches that run in parallel merge into the same tree: every read and write of it holds this lock.</summary>
    public object Sync { get; } = new();
    public SupergraphModel Supergraph { get; } = supergraph;
    public JsonElement Variables { get; } = variables;
    public ForwardedHeaders Headers { get; } = headers;
    public JsonObject Data { get; } = new();
    public List<GatewayError> Errors { get; } = [];

    public void AddError(GatewayError error)
    {
        lock (Sync)
            Errors.Add(error);
    }
}
