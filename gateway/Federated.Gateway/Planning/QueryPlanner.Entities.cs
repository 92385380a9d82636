using Federated.Gateway.Operations;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Planning;

public sealed partial class QueryPlanner
{
    private sealed partial class Run
    {
        /// <summary>
        /// A field of a value type that this subgraph lacks: fetch the path to it again, from
        /// the query root or the nearest entity, in a subgraph that resolves the whole path
        /// (shared value types such as a viewer object), and merge the two results.
        /// </summary>
        private bool Reroute(Context context, TypeDef parent, CollectedField field, FieldDef definition) =>
            (context.Anchor is { } anchor && context.Chain is { } chain && Reroute(context, parent, field, definition, anchor, chain))
            || (context.Outer is { } outer && Reroute(context, parent, field, definition, outer.Anchor, outer.Chain));

        private bool Reroute(Context context, TypeDef parent, CollectedField field, FieldDef definition, Anchor anchor, ChainLink chain)
        {
            var links = new List<ChainLink>();
            for (var link = chain; link is not null; link = link.Parent)
                links.Insert(0, link);
            foreach (var subgraph in definition.ResolvingSubgraphs())
            {
                if (subgraph == context.Subgraph || !links.All(l => l.Definition.ResolvableIn(subgraph) && l.Definition.SourceIn(subgraph)?.Requires is null))
                    continue;
                FetchGroup group;
                SubgraphSelection target;
                string[] path;
                if (anchor.IsRoot)
                {
                    if (!anchor.Type.Subgraphs.Contains(subgraph))
                        continue;
                    group = RootFor(subgraph);
                    target = group.Selection;
                    path = [];
                }
                else
                {
                    if (FindKey(anchor.Context, anchor.Type, subgraph) is null)
                        continue;
                    var (entityGroup, entityTarget) = EntityGroup(anchor.Context, anchor.Type, subgraph, null);
                    group = entityGroup;
                    target = entityTarget.Selection;
                    path = anchor.Context.Path;
                }
                foreach (var link in links)
                {
                    var selection = link.Field.Field;
                    target = target.AddField(selection.Name, selection.Alias, selection.Arguments, hasSelection: true, ShapeIn(link.Definition, subgraph))!;
                    path = ChildPath(path, link.Field.ResponseKey, link.Definition);
                }
                PlanField(new Context(group, target, path, null, context.Reserved, context.Internal) { Anchor = anchor, Chain = chain }, parent, field);
                return true;
            }
            return false;
        }

        private const string IndirectSuffix = "|indirect";

        private string? FindJump(Context context, TypeDef parent, FieldDef definition, SelectionSet? selection = null)
        {
            var pathKey = string.Join('.', context.Path);
            var candidates = definition.ResolvingSubgraphs()
                .Where(s => (s != context.Subgraph || definition.SourceIn(s)?.Requires is not null) && FindKey(context, parent, s) is not null)
                .ToList();
            if (candidates.Count == 0)
                // No key this subgraph can provide: one whose fields another subgraph provides, fetched first.
                return definition.ResolvingSubgraphs().FirstOrDefault(s => s != context.Subgraph && !_indirectTargets.Contains(s) && FindIndirectKey(context, parent, s) is not null);
            // A fetch to that subgraph at this path already is one fetch fewer; past that, the subgraph
            // that leaves the least of the field's selection to further fetches.
            return candidates
                .OrderBy(s => FieldCost(s, definition, selection, null) + (context.Group.FindChild(s, pathKey) is null ? 1 : 0))
                .First();
        }

        /// <summary>
        /// A key of <paramref name="type"/> in <paramref name="subgraph"/> whose fields the current subgraph
        /// resolves or reaches through other subgraphs: by one jump, or by a chain of them (each subgraph on
        /// the way reached through a key of its own), never through a subgraph already on the chain.
        /// </summary>
        private KeyDef? FindIndirectKey(Context context, TypeDef type, string subgraph, HashSet<string>? chain = null)
        {
            if (type.Kind != TypeKind.Object)
                return null;
            // Subgraphs whose indirect keys are being planned already are no way to reach them again.
            chain ??= [context.Subgraph, .. _indirectTargets];
            if (!chain.Add(subgraph))
                return null;
            try
            {
                return type.ResolvableKeysIn(subgraph).FirstOrDefault(key => key.Fields.Collect(type.Name, model).All(field =>
                    field.Field.Definition is not { } definition
                    || Resolvable(context.Subgraph, definition, context.Provided)
                    || definition.ResolvingSubgraphs().Any(r => !chain.Contains(r)
                        && (FindKey(context, type, r) is not null || FindIndirectKey(context, type, r, chain) is not null))));
            }
            finally
            {
                chain.Remove(subgraph);
            }
        }

        /// <summary>A key of <paramref name="type"/> that <paramref name="subgraph"/> resolves and the current subgraph can provide.</summary>
        private KeyDef? FindKey(Context context, TypeDef type, string subgraph) =>
            type.ResolvableKeysIn(subgraph).FirstOrDefault(k => Missing(context.Subgraph, type.Name, k.Fields, context.Provided) == 0);

        private void Jump(Context context, TypeDef parent, string subgraph, CollectedField field, FieldDef? definitionOverride = null)
        {
            var definition = definitionOverride ?? field.Field.Definition!;
            var (group, target) = EntityGroup(context, parent, subgraph, definition.SourceIn(subgraph)?.Requires);
            var entityContext = new Context(group, target.Selection, context.Path, null, context.Reserved, context.Internal);
            // The entity stays anchored where it was first fetched: the keys of other subgraphs are
            // resolved there, and may be external in the subgraph jumped to.
            if (context.Anchor is { IsRoot: false } same && same.Type == parent && same.Context.Path.SequenceEqual(context.Path))
                entityContext = entityContext with { Anchor = same, Outer = context.Outer };
            else if (parent.Kind == TypeKind.Object)
                entityContext = entityContext with { Anchor = new Anchor(entityContext, parent, IsRoot: false) };
            PlanFieldHere(entityContext, field, definition);
        }

        /// <summary>
        /// The entity fetch to <paramref name="subgraph"/> for the objects at the context's path,
        /// with the key (and <paramref name="requires"/>) added to the current fetch, and the
        /// selection inside it on <paramref name="parent"/> where fields go.
        /// </summary>
        private (FetchGroup Group, (FetchGroup Group, SubgraphSelection Selection) Target) EntityGroup(Context context, TypeDef parent, string subgraph, SelectionSet? requires)
        {
            var key = FindKey(context, parent, subgraph);
            var indirect = key is null;
            key ??= FindIndirectKey(context, parent, subgraph)!;
            AddTypename(context.Target, context.Reserved);
            if (!indirect)
                AddFields(context.Subgraph, context.Target, context.Path, context.Reserved, key.Fields);

            var pathKey = string.Join('.', context.Path);
            FetchGroup group;
            if (requires is null && !indirect)
            {
                group = context.Group.FindChild(subgraph, pathKey)
                    ?? context.Group.AddChild(new FetchGroup(_nextId++, subgraph, context.Group, context.Path), pathKey, shareable: true);
            }
            else if (requires is null && context.Group.FindChild(subgraph, pathKey + IndirectSuffix) is { } sameIndirect)
            {
                // Another field reached through the same indirect key: one fetch for all of them, after the
                // key's fetches planned the first time (one fetch per field would also repeat its errors).
                group = sameIndirect;
            }
            else
            {
                // Required fields come first, from here or from further fetches; this fetch waits for all of them.
                var outer = _recording;
                _recording = [];
                if (indirect)
                {
                    _indirectTargets.Add(subgraph);
                    PlanSelection(context with { Internal = true }, parent.Name, key.Fields);
                    _indirectTargets.Remove(subgraph);
                }
                if (requires is not null)
                    PlanSelection(context with { Internal = true }, parent.Name, requires);
                var dependencies = _recording;
                _recording = outer;
                // This subgraph's fetch at the path (through the same kind of key) takes the field when it waits for
                // the same fetches and its representations can carry the required fields too: one fetch, and one
                // error per failed entity, not one per fetch.
                var indexKey = indirect ? pathKey + IndirectSuffix : pathKey;
                var shared = context.Group.FindChild(subgraph, indexKey);
                if (shared is not null && SameFetches(shared.Dependencies, dependencies)
                    && (requires is null || FitsRepresentation(shared, parent.Name, Aliased(requires, context.Path))))
                {
                    group = shared;
                }
                else
                {
                    group = new FetchGroup(_nextId++, subgraph, context.Group, context.Path);
                    group.Dependencies.AddRange(dependencies.Distinct());
                    context.Group.AddChild(group, indexKey, shareable: shared is null);
                }
            }
            _recording?.Add(group);

            var typenameOverride = parent.IsAbstract && parent.InterfaceObjectIn.Contains(subgraph) ? parent.Name : null;
            group.AddShape(parent.Name, typenameOverride, Aliased(key.Fields, context.Path));
            if (requires is not null)
                group.AddShape(parent.Name, typenameOverride, Aliased(requires, context.Path));
            return (group, (group, group.Selection.AddInlineFragment(parent.Name)));
        }

        private static bool SameFetches(List<FetchGroup> a, List<FetchGroup> b) => a.ToHashSet().SetEquals(b);

        /// <summary>
        /// Whether the representations of <paramref name="group"/> can carry <paramref name="fields"/> too: a
        /// representation has one value per field name, so a field already there with other arguments (two
        /// @requires of price(currency:) differing) needs a fetch of its own.
        /// </summary>
        private static bool FitsRepresentation(FetchGroup group, string typeName, SelectionSet fields)
        {
            var shape = group.Shapes.FirstOrDefault(s => s.Key == typeName || s.Value.Fields.Any(f => f.TypeName == typeName)).Value;
            if (shape.Fields is null)
                return true;
            var present = shape.Fields.SelectMany(TopFields).ToLookup(f => f.Name, Printed);
            return TopFields(fields).All(f => present[f.Name].All(p => p == Printed(f)));

            static IEnumerable<FieldSelection> TopFields(SelectionSet set) =>
                set.Items.SelectMany(i => i is FieldSelection f ? [f] : i is InlineFragmentSelection g ? TopFields(g.SelectionSet) : []);

            static string Printed(FieldSelection field) => SelectionPrinter.Print(new SelectionSet(field.Definition?.Parent.Name ?? "", [field]));
        }

        private void AddFields(string subgraph, SubgraphSelection target, string[] path, HashSet<string>? reserved, SelectionSet fields)
        {
            foreach (var item in fields.Items)
            {
                if (item is FieldSelection field)
                {
                    var alias = InternalAlias(target, reserved, field, path);
                    var child = target.AddField(field.Name, alias, field.Arguments, field.SelectionSet is not null, field.Definition is null ? null : ShapeIn(field.Definition, subgraph));
                    if (child is not null && field.SelectionSet is not null)
                        AddFields(subgraph, child, ChildPath(path, alias ?? field.Name, field.Definition), null, field.SelectionSet);
                }
                else if (item is InlineFragmentSelection fragment)
                {
                    AddFields(subgraph, fragment.TypeCondition is null ? target : target.AddInlineFragment(fragment.TypeCondition), path, reserved, fragment.SelectionSet);
                }
            }
        }

        /// <summary>
        /// The alias for a field the planner adds (a key or required field): none unless the
        /// client's selection uses the name for something else, or another planner field
        /// already took it with other arguments (two @requires of price(currency:) differing).
        /// </summary>
        private string? InternalAlias(SubgraphSelection target, HashSet<string>? reserved, FieldSelection field, string[] path)
        {
            string? alias = reserved is not null && reserved.Contains(field.Name) ? InternalPrefix + field.Name : null;
            for (var n = 1; target.Conflicts(alias ?? field.Name, field.Name, field.Arguments); n++)
                alias = InternalPrefix + field.Name + "_" + n;
            if (alias is not null)
                _aliases[(field, string.Join('.', path))] = alias;
            return alias;
        }

        /// <summary>A field set with the aliases its fields were fetched under, so representations read them there.</summary>
        private SelectionSet Aliased(SelectionSet fields, string[] path)
        {
            if (_aliases.Count == 0)
                return fields;
            var items = new List<Selection>(fields.Items.Count);
            foreach (var item in fields.Items)
            {
                if (item is FieldSelection field)
                {
                    var alias = _aliases.GetValueOrDefault((field, string.Join('.', path)));
                    var sub = field.SelectionSet is null ? null : Aliased(field.SelectionSet, ChildPath(path, alias ?? field.Name, field.Definition));
                    items.Add(new FieldSelection(field.Name, alias, field.Arguments, field.Definition, sub));
                }
                else if (item is InlineFragmentSelection fragment)
                {
                    items.Add(new InlineFragmentSelection(fragment.TypeCondition, Aliased(fragment.SelectionSet, path)));
                }
            }
            return new SelectionSet(fields.TypeName, items);
        }
    }
}
