using GraphQL;

namespace Federated.Gateway.FeatureGraphs.Data;

public static class WorldAccess
{
    public static World World(this IResolveFieldContext context) => context.RequestServices!.GetRequiredService<World>();

    public static State State(this IResolveFieldContext context) => context.World().Current;

    /// <summary>An expected failure, as the product subgraphs report them: a message and a stable code.</summary>
    public static ExecutionError Failure(string message, string code) => new(message) { Code = code };
}
