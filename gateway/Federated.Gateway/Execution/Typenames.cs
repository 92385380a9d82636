using System.Text.Json.Nodes;
using Federated.Gateway.Planning;

namespace Federated.Gateway.Execution;

/// <summary>Reads an object's type name as the planner fetched it (see <see cref="QueryPlanner.TypenameAlias"/>).</summary>
internal static class Typenames
{
    public static string? Of(JsonObject obj) =>
        (obj[QueryPlanner.TypenameAlias] ?? obj["__typename"]) is JsonValue value && value.TryGetValue<string>(out var name) ? name : null;

    public static bool IsTypenameKey(string key) => key is "__typename" or QueryPlanner.TypenameAlias;
}
