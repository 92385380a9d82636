using GraphQL;
using GraphQLParser.AST;

namespace Federated.Kit.GraphQL;

public static class Selections
{
    /// <summary>
    /// Whether the request asks for <paramref name="fieldName"/> on what this field returns, by
    /// the field's own name: <c>SubFields</c> is keyed by the name the client gave it, so an
    /// alias (<c>total: totalCount</c>) was not found there, the total was never computed, and
    /// the answer was an internal error (found by a review).
    /// </summary>
    public static bool AsksFor(this IResolveFieldContext context, string fieldName) =>
        context.SubFields?.Values.Any(selected => selected.FieldType.Name == fieldName) == true;

    /// <summary>
    /// Whether the request selects <paramref name="fieldName"/> on what this field returns, as
    /// <paramref name="typeName"/>: directly, in an inline fragment or in a named one. For a
    /// resolver that can read a child field's data in its own query (the <c>_entities</c> field
    /// of a subgraph, whose selections are all in fragments on the entity types).
    /// </summary>
    public static bool Selects(this IResolveFieldContext context, string typeName, string fieldName) =>
        context.FieldAst.SelectionSet is { } selections && Contains(context.Document, selections, typeName, fieldName, depth: 0);

    private static bool Contains(GraphQLDocument document, GraphQLSelectionSet set, string typeName, string fieldName, int depth)
    {
        // Validation refuses fragment cycles; the bound only keeps a walk over a document that skipped it finite.
        if (depth > 16)
            return false;
        foreach (var selection in set.Selections)
        {
            var found = selection switch
            {
                GraphQLField field => field.Name.Value.Span.SequenceEqual(fieldName),
                GraphQLInlineFragment inline => Matches(inline.TypeCondition, typeName)
                    && Contains(document, inline.SelectionSet, typeName, fieldName, depth + 1),
                GraphQLFragmentSpread spread => Fragment(document, spread) is { } fragment && Matches(fragment.TypeCondition, typeName)
                    && Contains(document, fragment.SelectionSet, typeName, fieldName, depth + 1),
                _ => false,
            };
            if (found)
                return true;
        }
        return false;
    }

    private static bool Matches(GraphQLTypeCondition? condition, string typeName) =>
        condition is null || condition.Type.Name.Value.Span.SequenceEqual(typeName);

    private static GraphQLFragmentDefinition? Fragment(GraphQLDocument document, GraphQLFragmentSpread spread)
    {
        foreach (var definition in document.Definitions)
        {
            if (definition is GraphQLFragmentDefinition fragment && fragment.FragmentName.Name.Value.Span.SequenceEqual(spread.FragmentName.Name.Value.Span))
                return fragment;
        }
        return null;
    }
}
