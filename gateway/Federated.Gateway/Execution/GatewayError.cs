using System.Text.Json.Nodes;

namespace Federated.Gateway.Execution;

/// <summary>An error in the gateway's response: its path is the gateway's, not the subgraph's.</summary>
public sealed record GatewayError(string Message, IReadOnlyList<object>? Path = null, JsonObject? Extensions = null)
{
    /// <summary>Line and column in the client's document, for request errors.</summary>
    public IReadOnlyList<(int Line, int Column)>? Locations { get; init; }

    public static GatewayError Coded(string message, string code, IReadOnlyList<object>? path = null, string? subgraph = null)
    {
        var extensions = new JsonObject { ["code"] = code };
        if (subgraph is not null)
            extensions["serviceName"] = subgraph;
        return new GatewayError(message, path, extensions);
    }
}

/// <summary>A path to a value in the response as a linked list, cheap to extend while walking.</summary>
public sealed class ResponsePath(ResponsePath? parent, object segment)
{
    public ResponsePath? Parent { get; } = parent;
    public object Segment { get; } = segment;

    public List<object> ToList()
    {
        var list = new List<object>();
        for (var p = this; p is not null; p = p.Parent)
            list.Add(p.Segment);
        list.Reverse();
        return list;
    }
}
