using GraphQL.Execution;
using ExecutionContext = GraphQL.Execution.ExecutionContext;

namespace Federated.Kit.GraphQL;

/// <summary>
/// Mutations: each root field is resolved with everything under it, DataLoader results
/// included, before the next root field starts, as the GraphQL specification orders
/// (ExecuteSelectionSet "serially"). GraphQL.NET's serial strategy runs the root fields' own
/// resolvers in turn but puts every DataLoader result off until no other node is left, so in
/// <c>a: updateVariant(...) { variant { product { price } } } b: updateVariant(...) { ... }</c>
/// the first payload's product was read after the second write, and showed its price.
/// With <see cref="DataLoaders.RequestCaches"/> (cleared as each mutation field starts), each
/// payload shows the store as its own write left it.
/// </summary>
public sealed class MutationFieldsInTurn : SerialExecutionStrategy
{
    public override async Task ExecuteNodeTreeAsync(ExecutionContext context, ExecutionNode rootNode)
    {
        if (rootNode is not RootExecutionNode root)
        {
            await base.ExecuteNodeTreeAsync(context, rootNode);
            return;
        }
        var fields = new List<ExecutionNode>();
        root.ApplyToChildren((field, list) => list.Add(field), fields, reverse: false);
        foreach (var field in fields)
            await base.ExecuteNodeTreeAsync(context, field);
    }
}
