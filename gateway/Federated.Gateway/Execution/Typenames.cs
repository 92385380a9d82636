using System.Text.Json.Nodes;
using Federated.Gateway.Planning;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Execution;

/// <summary>Reads an object's type name as the planner fetched it (see <see cref="QueryPlanner.TypenameAlias"/>).</summary>
internal static class Typenames
{
    /// <summary>
    /// The planner's alias when it holds a type name (a client's own field may have that alias, and then
    /// the planner's type name is the plain one), otherwise __typename.
    /// </summary>
    public static string? Of(JsonObject obj, SupergraphModel supergraph) =>
        Name(obj[QueryPlanner.TypenameAlias]) is { } aliased && supergraph.Types.ContainsKey(aliased) ? aliased : Name(obj["__typename"]);

    private static string? Name(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;

    public static bool IsTypenameKey(string key) => key is "__typename" or QueryPlanner.TypenameAlias;
}
