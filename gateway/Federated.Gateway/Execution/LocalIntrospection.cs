using System.Text;
using System.Text.Json.Nodes;
using Federated.Gateway.Planning;
using Federated.Gateway.Supergraph;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQLParser.AST;

namespace Federated.Gateway.Execution;

/// <summary>
/// Answers the root fields __schema and __type with GraphQL.NET over the API schema: the
/// introspection part of the operation is printed as its own query, with the fragments and
/// variables it uses, and its result merged beside the subgraphs' data.
/// </summary>
internal sealed class LocalIntrospection
{
    private static readonly GraphQLSerializer Serializer = new();
    private readonly DocumentExecuter _executer = new();

    /// <summary>Answers the root fields __schema and __type from the API schema.</summary>
    public async Task AnswerAsync(QueryPlan plan, GraphQLDocument document, Inputs inputs, ExecutionState state, CancellationToken cancellationToken)
    {
        var query = IntrospectionQuery(plan, document, state.Supergraph);
        var result = await _executer.ExecuteAsync(new ExecutionOptions
        {
            Schema = state.Supergraph.ApiSchema,
            Query = query,
            Variables = inputs,
            CancellationToken = cancellationToken,
        });
        var json = JsonNode.Parse(Serializer.Serialize(result));
        lock (state.Sync)
        {
            if (json?["data"] is JsonObject data)
                ResultMerger.Merge(state.Data, data, state.Supergraph);
        }
        if (json?["errors"] is JsonArray errors)
            foreach (var error in errors)
                state.AddError(new GatewayError(error?["message"]?.GetValue<string>() ?? "Introspection failed."));
    }

    /// <summary>The introspection root fields as their own query, with the fragments and variables they use.</summary>
    private static string IntrospectionQuery(QueryPlan plan, GraphQLDocument document, SupergraphModel supergraph)
    {
        var fields = plan.Operation.SelectionSet.Collect(plan.Operation.RootType, supergraph).Where(f => f.Field.Ast is not null).Select(f => f.Field.Ast!).ToList();
        var fragments = document.Definitions.OfType<GraphQLFragmentDefinition>().ToDictionary(f => f.FragmentName.Name.StringValue);
        var used = new List<GraphQLFragmentDefinition>();
        var variables = new HashSet<string>();
        foreach (var field in fields)
            Scan(field, fragments, used, variables);
        var text = new StringBuilder();
        var definitions = plan.Operation.Definition.Variables?.Items.Where(v => variables.Contains(v.Variable.Name.StringValue)).ToList() ?? [];
        text.Append("query");
        if (definitions.Count > 0)
            text.Append('(').AppendJoin(", ", definitions.Select(d => $"${d.Variable.Name.StringValue}: {SelectionPrinter.Print(d.Type)}")).Append(')');
        text.Append(" {\n");
        foreach (var field in fields)
            text.Append(SelectionPrinter.Print(field)).Append('\n');
        text.Append("}\n");
        foreach (var fragment in used)
            text.Append(SelectionPrinter.Print(fragment)).Append('\n');
        return text.ToString();
    }

    private static void Scan(ASTNode node, Dictionary<string, GraphQLFragmentDefinition> fragments, List<GraphQLFragmentDefinition> used, HashSet<string> variables)
    {
        switch (node)
        {
            case GraphQLVariable variable:
                variables.Add(variable.Name.StringValue);
                return;
            case GraphQLFragmentSpread spread:
                if (fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment) && !used.Contains(fragment))
                {
                    used.Add(fragment);
                    Scan(fragment.SelectionSet, fragments, used, variables);
                }
                ScanChildren(spread.Directives, fragments, used, variables);
                return;
            case GraphQLField field:
                ScanChildren(field.Arguments, fragments, used, variables);
                ScanChildren(field.Directives, fragments, used, variables);
                ScanChildren(field.SelectionSet, fragments, used, variables);
                return;
            case GraphQLInlineFragment inline:
                ScanChildren(inline.Directives, fragments, used, variables);
                Scan(inline.SelectionSet, fragments, used, variables);
                return;
            case GraphQLSelectionSet set:
                foreach (var selection in set.Selections)
                    Scan(selection, fragments, used, variables);
                return;
            case GraphQLArguments arguments:
                foreach (var argument in arguments.Items)
                    Scan(argument.Value, fragments, used, variables);
                return;
            case GraphQLDirectives directives:
                foreach (var directive in directives.Items)
                    ScanChildren(directive.Arguments, fragments, used, variables);
                return;
            case GraphQLListValue list:
                foreach (var value in list.Values ?? [])
                    Scan(value, fragments, used, variables);
                return;
            case GraphQLObjectValue obj:
                foreach (var value in obj.Fields ?? [])
                    Scan(value.Value, fragments, used, variables);
                return;
        }
    }

    private static void ScanChildren(ASTNode? node, Dictionary<string, GraphQLFragmentDefinition> fragments, List<GraphQLFragmentDefinition> used, HashSet<string> variables)
    {
        if (node is not null)
            Scan(node, fragments, used, variables);
    }
}
