using Federated.Gateway.Supergraph;
using GraphQLParser.AST;

namespace Federated.Gateway.Operations;

/// <summary>An operation ready for planning: fragments inlined, @skip/@include applied.</summary>
public sealed class NormalizedOperation(GraphQLOperationDefinition definition, string rootType, SelectionSet selectionSet)
{
    public GraphQLOperationDefinition Definition { get; } = definition;
    public OperationType Type => Definition.Operation;
    public string RootType { get; } = rootType;
    public SelectionSet SelectionSet { get; } = selectionSet;
}

/// <summary>
/// Turns a validated operation into <see cref="Selections"/>. Validation is GraphQL.NET's;
/// this assumes a valid document. @skip/@include are evaluated here with the request's
/// variables, so a plan is made per combination of condition values.
/// </summary>
public static class OperationNormalizer
{
    public static NormalizedOperation Normalize(SupergraphModel model, GraphQLDocument document, GraphQLOperationDefinition operation, Func<string, bool>? conditionVariable)
    {
        var rootType = operation.Operation switch
        {
            OperationType.Query => model.QueryType,
            OperationType.Mutation => model.MutationType ?? throw new InvalidOperationException("The schema has no mutations."),
            _ => throw new NotSupportedException("Subscriptions are not supported by this gateway."),
        };
        var fragments = document.Definitions.OfType<GraphQLFragmentDefinition>().ToDictionary(f => f.FragmentName.Name.StringValue);
        return new NormalizedOperation(operation, rootType, NormalizeSelectionSet(model, operation.SelectionSet, rootType, fragments, conditionVariable));
    }

    public static SelectionSet NormalizeSelectionSet(SupergraphModel model, GraphQLSelectionSet selectionSet, string typeName, Dictionary<string, GraphQLFragmentDefinition>? fragments, Func<string, bool>? conditionVariable)
    {
        var items = new List<Selection>(selectionSet.Selections.Count);
        var type = model.Type(typeName);
        foreach (var selection in selectionSet.Selections)
        {
            switch (selection)
            {
                case GraphQLField field:
                    if (!Included(field.Directives, conditionVariable))
                        break;
                    items.Add(NormalizeField(model, type, field, fragments, conditionVariable));
                    break;
                case GraphQLInlineFragment inline:
                    if (!Included(inline.Directives, conditionVariable))
                        break;
                    var inlineType = inline.TypeCondition?.Type.Name.StringValue;
                    items.Add(new InlineFragmentSelection(inlineType, NormalizeSelectionSet(model, inline.SelectionSet, inlineType ?? typeName, fragments, conditionVariable)));
                    break;
                case GraphQLFragmentSpread spread:
                    if (!Included(spread.Directives, conditionVariable))
                        break;
                    if (fragments is null || !fragments.TryGetValue(spread.FragmentName.Name.StringValue, out var fragment))
                        throw new InvalidOperationException($"Unknown fragment '{spread.FragmentName.Name.StringValue}'.");
                    var fragmentType = fragment.TypeCondition.Type.Name.StringValue;
                    items.Add(new InlineFragmentSelection(fragmentType, NormalizeSelectionSet(model, fragment.SelectionSet, fragmentType, fragments, conditionVariable)));
                    break;
            }
        }
        return new SelectionSet(typeName, items);
    }

    private static FieldSelection NormalizeField(SupergraphModel model, TypeDef parent, GraphQLField field, Dictionary<string, GraphQLFragmentDefinition>? fragments, Func<string, bool>? conditionVariable)
    {
        var name = field.Name.StringValue;
        var alias = field.Alias?.Name.StringValue;
        if (name.StartsWith("__", StringComparison.Ordinal))
            // __typename is a leaf; __schema and __type are answered by the API schema itself.
            return new FieldSelection(name, alias, field.Arguments, null, null) { Ast = name == "__typename" ? null : field };

        if (!parent.Fields.TryGetValue(name, out var definition))
            throw new InvalidOperationException($"Cannot query field '{name}' on type '{parent.Name}'.");
        SelectionSet? selectionSet = null;
        if (field.SelectionSet is not null)
            selectionSet = NormalizeSelectionSet(model, field.SelectionSet, definition.NamedType, fragments, conditionVariable);
        return new FieldSelection(name, alias, field.Arguments is { Items.Count: > 0 } ? field.Arguments : null, definition, selectionSet);
    }

    private static bool Included(GraphQLDirectives? directives, Func<string, bool>? conditionVariable)
    {
        if (directives is null)
            return true;
        foreach (var directive in directives.Items)
        {
            var name = directive.Name.StringValue;
            if (name is not ("skip" or "include"))
                continue;
            var condition = directive.Arguments?.Items.FirstOrDefault(a => a.Name.StringValue == "if")?.Value;
            var value = condition switch
            {
                GraphQLBooleanValue b => b.BoolValue,
                GraphQLVariable v => conditionVariable?.Invoke(v.Name.StringValue) ?? false,
                _ => false,
            };
            if (name == "skip" ? value : !value)
                return false;
        }
        return true;
    }

    /// <summary>Names of the variables used by @skip/@include anywhere in the document, in a stable order.</summary>
    public static IReadOnlyList<string> ConditionVariables(GraphQLDocument document)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var definition in document.Definitions)
        {
            if (definition is GraphQLOperationDefinition op)
                Scan(op.SelectionSet, names);
            else if (definition is GraphQLFragmentDefinition fragment)
                Scan(fragment.SelectionSet, names);
        }
        return names.ToList();
    }

    private static void Scan(GraphQLSelectionSet? selectionSet, SortedSet<string> names)
    {
        if (selectionSet is null)
            return;
        foreach (var selection in selectionSet.Selections)
        {
            var directives = selection switch
            {
                GraphQLField f => f.Directives,
                GraphQLInlineFragment i => i.Directives,
                GraphQLFragmentSpread s => s.Directives,
                _ => null,
            };
            foreach (var directive in directives?.Items ?? [])
                if (directive.Name.StringValue is "skip" or "include")
                    foreach (var argument in directive.Arguments?.Items ?? [])
                        if (argument.Value is GraphQLVariable variable)
                            names.Add(variable.Name.StringValue);
            Scan(selection switch
            {
                GraphQLField f => f.SelectionSet,
                GraphQLInlineFragment i => i.SelectionSet,
                _ => null,
            }, names);
        }
    }
}
