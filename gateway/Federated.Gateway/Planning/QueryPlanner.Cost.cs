using Federated.Gateway.Operations;
using Federated.Gateway.Supergraph;
using GraphQLParser.AST;

namespace Federated.Gateway.Planning;

public sealed partial class QueryPlanner
{
    private sealed partial class Run
    {
        /// <summary>
        /// Whether the subgraph resolves the field where it stands. A field with @requires is
        /// resolved only through <c>_entities</c>, with the required fields in the representation.
        /// </summary>
        private bool Resolvable(string subgraph, FieldDef definition, SelectionSet? provided) =>
            (definition.ResolvableIn(subgraph) && definition.SourceIn(subgraph)?.Requires is null)
            || (provided is not null && ProvidedChildExists(provided, definition));

        /// <summary>Whether <paramref name="provided"/> has the field, for its parent type: <c>... on Book { title }</c> provides no Movie's title.</summary>
        private bool ProvidedChildExists(SelectionSet provided, FieldDef definition) =>
            provided.Items.Any(i => i is FieldSelection f
                ? f.Name == definition.Name
                : i is InlineFragmentSelection g
                  && (g.TypeCondition is null || model.IsPossibleType(g.TypeCondition, definition.Parent.Name))
                  && ProvidedChildExists(g.SelectionSet, definition));

        private static SelectionSet? ProvidedChild(SelectionSet? provided, string name)
        {
            if (provided is null)
                return null;
            var items = new List<Selection>();
            Gather(provided, name, items);
            return items.Count == 0 ? null : new SelectionSet(provided.TypeName, items);

            static void Gather(SelectionSet set, string name, List<Selection> items)
            {
                foreach (var item in set.Items)
                {
                    if (item is FieldSelection f && f.Name == name && f.SelectionSet is not null)
                        items.AddRange(f.SelectionSet.Items);
                    else if (item is InlineFragmentSelection g)
                        Gather(g.SelectionSet, name, items);
                }
            }
        }

        private static SelectionSet? Merge(SelectionSet? a, SelectionSet? b) =>
            a is null ? b : b is null ? a : new SelectionSet(a.TypeName, [.. a.Items, .. b.Items]);

        /// <summary>How many fields of the selection <paramref name="subgraph"/> cannot resolve itself: an estimate of the extra fetches.</summary>
        private int Missing(string subgraph, string typeName, SelectionSet? selection, SelectionSet? provided)
        {
            if (selection is null)
                return 0;
            var type = model.Type(typeName);
            var missing = 0;
            if (type.Kind == TypeKind.Object)
            {
                foreach (var field in selection.Collect(typeName, model))
                    missing += MissingField(subgraph, field.Field, field.SelectionSet, provided, type);
                return missing;
            }
            // An abstract type costs what its dearest object type in this subgraph costs: an
            // implementation may resolve a field the interface does not, or need another subgraph for it.
            if (!type.InterfaceObjectIn.Contains(subgraph))
            {
                var worst = -1;
                foreach (var objectType in type.PossibleTypes)
                    if (model.IsPossibleTypeIn(subgraph, type.Name, objectType))
                        worst = Math.Max(worst, Missing(subgraph, objectType, selection, provided));
                if (worst >= 0)
                    return worst;
            }
            foreach (var item in selection.Items)
            {
                if (item is FieldSelection field)
                    missing += MissingField(subgraph, field, field.SelectionSet, provided);
                else if (item is InlineFragmentSelection fragment && PossibleIn(subgraph, type, fragment.TypeCondition))
                    missing += Missing(subgraph, fragment.TypeCondition ?? typeName, fragment.SelectionSet, provided);
            }
            return missing;
        }

        /// <summary>Whether a fragment on <paramref name="condition"/> can apply in <paramref name="subgraph"/>, which answers only its own members of the abstract type.</summary>
        private bool PossibleIn(string subgraph, TypeDef abstractType, string? condition) =>
            condition is null || condition == abstractType.Name
            || abstractType.PossibleTypes.Any(t => model.IsPossibleType(condition, t) && model.IsPossibleTypeIn(subgraph, abstractType.Name, t));

        private int MissingField(string subgraph, FieldSelection field, SelectionSet? selection, SelectionSet? provided, TypeDef? objectType = null)
        {
            if (field.Definition is not { } definition)
                return 0;
            // Selected on an interface, resolved as the object type's own field.
            if (objectType is not null && definition.Parent != objectType && objectType.Fields.TryGetValue(definition.Name, out var own))
                definition = own;
            if (!Resolvable(subgraph, definition, provided))
                return ReachableByKey(subgraph, definition, provided) ? 1 : 2;
            return FieldCost(subgraph, definition, selection, provided);
        }

        /// <summary>
        /// Whether a subgraph resolving the field has a key of its parent that <paramref name="subgraph"/>
        /// resolves: one entity fetch away. Otherwise it takes a detour (another subgraph fetching the key
        /// first, or the path fetched again from an entity above), which costs more.
        /// </summary>
        private bool ReachableByKey(string subgraph, FieldDef definition, SelectionSet? provided)
        {
            var parent = definition.Parent;
            if (parent.Kind != TypeKind.Object)
                return true;
            return definition.ResolvingSubgraphs().Any(r => r != subgraph
                && parent.ResolvableKeysIn(r).Any(k => k.Fields.Collect(parent.Name, model).All(f => f.Field.Definition is not { } d || Resolvable(subgraph, d, provided))));
        }

        /// <summary>What resolving a field's selection in <paramref name="subgraph"/> leaves to other fetches, counting what it @provides there.</summary>
        private int FieldCost(string subgraph, FieldDef definition, SelectionSet? selection, SelectionSet? parentProvided) =>
            Missing(subgraph, definition.NamedTypeIn(subgraph), selection,
                Merge(ProvidedChild(parentProvided, definition.Name), definition.SourceIn(subgraph)?.Provides));
    }
}
