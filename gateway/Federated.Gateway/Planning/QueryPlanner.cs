using System.Text;
using Federated.Gateway.Operations;
using Federated.Gateway.Supergraph;
using GraphQLParser.AST;

namespace Federated.Gateway.Planning;

/// <summary>
/// Turns a normalized operation into a <see cref="QueryPlan"/>. Fields stay in the subgraph
/// that is already fetching their parent while it can resolve them; otherwise the planner
/// jumps to another subgraph through an entity key, one <c>_entities</c> fetch per subgraph
/// and path. Among subgraphs that share a field it picks the one needing fewest fetches.
/// </summary>
public sealed class QueryPlanner(SupergraphModel supergraph)
{
    public QueryPlan Plan(NormalizedOperation operation) => new Run(supergraph, operation).Plan();

    /// <param name="Reserved">Response keys the client's selection here gives to other fields: the planner's own fields (keys, requirements) take an alias there.</param>
    /// <param name="Internal">Whether the fields being planned are the planner's own (requirements), not the client's.</param>
    private readonly record struct Context(FetchGroup Group, SubgraphSelection Target, string[] Path, SelectionSet? Provided, HashSet<string>? Reserved = null, bool Internal = false)
    {
        public string Subgraph => Group.Subgraph;

        /// <summary>The nearest object the position can be fetched again from: the query root or an entity.</summary>
        public Anchor? Anchor { get; init; }

        /// <summary>The fields from <see cref="Anchor"/> down to the position (value types only).</summary>
        public ChainLink? Chain { get; init; }

    }

    internal const string InternalPrefix = "__fed_";

    private sealed record Anchor(Context Context, TypeDef Type, bool IsRoot);

    private sealed record ChainLink(ChainLink? Parent, CollectedField Field, FieldDef Definition);

    private sealed class Run(SupergraphModel model, NormalizedOperation operation)
    {
        private readonly List<FetchGroup> _roots = [];
        // The alias a planner-added field got, by the field set's field and the path of its parent object.
        private readonly Dictionary<(FieldSelection Field, string Path), string> _aliases = new();
        private List<FetchGroup>? _recording;
        private int _nextId;
        private bool _introspection;

        public QueryPlan Plan()
        {
            var rootType = model.Type(operation.RootType);
            var isMutation = operation.Type == OperationType.Mutation;
            foreach (var field in operation.SelectionSet.Collect(rootType.Name, model))
            {
                if (field.Field.IsTypename)
                    continue;
                if (field.Field.IsIntrospection)
                {
                    _introspection = true;
                    continue;
                }
                var definition = field.Field.Definition!;
                var candidates = definition.ResolvingSubgraphs().ToList();
                if (candidates.Count == 0)
                    throw new PlanningException($"No subgraph resolves {rootType.Name}.{definition.Name}.");
                FetchGroup group;
                if (isMutation)
                {
                    // Mutation fields run one after another: a new fetch whenever the subgraph changes.
                    var last = _roots.Count > 0 ? _roots[^1] : null;
                    group = last is not null && candidates.Contains(last.Subgraph) ? last : NewRoot(Cheapest(candidates, definition, field.SelectionSet));
                }
                else
                {
                    group = _roots.FirstOrDefault(g => candidates.Contains(g.Subgraph)) is { } existing
                            && FieldCost(existing.Subgraph, definition, field.SelectionSet, null) <= candidates.Min(c => FieldCost(c, definition, field.SelectionSet, null))
                        ? existing
                        : RootFor(Cheapest(candidates, definition, field.SelectionSet));
                }
                // Query fields may be fetched again from another subgraph to reach value-type fields; mutations never.
                var anchor = isMutation ? null : new Anchor(default, rootType, IsRoot: true);
                PlanFieldHere(new Context(group, group.Selection, [], null) { Anchor = anchor }, field);
            }
            return new QueryPlan(operation, BuildRoot(isMutation), _introspection);
        }

        private FetchGroup NewRoot(string subgraph)
        {
            var group = new FetchGroup(_nextId++, subgraph, null, null);
            _roots.Add(group);
            return group;
        }

        private FetchGroup RootFor(string subgraph) => _roots.FirstOrDefault(g => g.Subgraph == subgraph) ?? NewRoot(subgraph);

        private string Cheapest(List<string> candidates, FieldDef definition, SelectionSet? selection) =>
            candidates.OrderBy(c => FieldCost(c, definition, selection, null)).First();

        private void PlanSelection(Context context, string typeName, SelectionSet selection)
        {
            if (!context.Internal)
                context = context with { Reserved = selection.ReservedKeys() };
            var type = model.Type(typeName);
            if (type.Kind == TypeKind.Object)
            {
                foreach (var field in selection.Collect(typeName, model))
                    PlanField(context, type, field);
            }
            else
            {
                PlanAbstract(context, type, selection);
            }
        }

        private void PlanAbstract(Context context, TypeDef type, SelectionSet selection)
        {
            if (type.InterfaceObjectIn.Contains(context.Subgraph))
            {
                PlanInterfaceObject(context, type, selection);
                return;
            }
            context.Target.AddField("__typename", null, null, false);
            var possible = type.PossibleTypes.Where(t => model.IsPossibleTypeIn(context.Subgraph, type.Name, t)).ToList();
            if (CanKeepAbstract(context, type, selection, possible))
            {
                foreach (var item in selection.Items)
                {
                    switch (item)
                    {
                        case FieldSelection field:
                            PlanField(context, type, new CollectedField(field.ResponseKey, field, field.SelectionSet));
                            break;
                        case InlineFragmentSelection fragment when fragment.TypeCondition is null || fragment.TypeCondition == type.Name:
                            PlanAbstract(context, type, fragment.SelectionSet);
                            break;
                        case InlineFragmentSelection fragment:
                            var condition = model.Type(fragment.TypeCondition!);
                            if (!condition.Subgraphs.Contains(context.Subgraph)
                                || !possible.Any(p => model.IsPossibleType(condition.Name, p)))
                                break;
                            PlanSelection(context with { Target = context.Target.AddInlineFragment(condition.Name) }, condition.Name, fragment.SelectionSet);
                            break;
                    }
                }
                return;
            }

            foreach (var objectType in possible)
            {
                if (selection.Collect(objectType, model).Length == 0)
                    continue;
                PlanSelection(context with { Target = context.Target.AddInlineFragment(objectType) }, objectType, selection);
            }
        }

        /// <summary>
        /// An interface this subgraph knows only as an @interfaceObject: it answers with the
        /// interface's name, so __typename and fragments on implementations come from a
        /// subgraph that owns the interface, through its key.
        /// </summary>
        private void PlanInterfaceObject(Context context, TypeDef type, SelectionSet selection)
        {
            context.Target.AddField("__typename", null, null, false);
            var owned = new List<Selection>();
            Split(selection);
            if (owned.Count == 0)
                return;
            var owner = type.Keys.Keys.FirstOrDefault(s => s != context.Subgraph && !type.InterfaceObjectIn.Contains(s) && FindKey(context, type, s) is not null)
                ?? throw new PlanningException($"Cannot plan {type.Name}: no subgraph owning the interface can be reached from subgraph '{context.Subgraph}'.");
            var (_, target) = EntityGroup(context, type, owner, null);
            PlanAbstract(new Context(target.Group, target.Selection, context.Path, null, context.Reserved, context.Internal), type, new SelectionSet(type.Name, owned));

            void Split(SelectionSet set)
            {
                foreach (var item in set.Items)
                {
                    switch (item)
                    {
                        case FieldSelection { IsTypename: true } typename:
                            owned.Add(typename);
                            break;
                        case FieldSelection field:
                            PlanField(context, type, new CollectedField(field.ResponseKey, field, field.SelectionSet));
                            break;
                        case InlineFragmentSelection fragment when fragment.TypeCondition is null || fragment.TypeCondition == type.Name:
                            Split(fragment.SelectionSet);
                            break;
                        default:
                            owned.Add(item);
                            break;
                    }
                }
            }
        }

        /// <summary>
        /// Whether the abstract selection can be sent as written: every field selected on the
        /// abstract type itself is resolved here for every possible type (or by an entity interface).
        /// </summary>
        private bool CanKeepAbstract(Context context, TypeDef type, SelectionSet selection, List<string> possible)
        {
            if (type.InterfaceObjectIn.Contains(context.Subgraph))
                return true;
            foreach (var item in selection.Items)
            {
                switch (item)
                {
                    case FieldSelection { IsTypename: true }:
                        continue;
                    case FieldSelection field:
                        if (!Resolvable(context.Subgraph, field.Definition!, context.Provided))
                        {
                            if (type.IsEntity && FindJump(context, type, field.Definition!) is not null)
                                continue;
                            return false;
                        }
                        foreach (var objectType in possible)
                            if (model.Type(objectType).Fields.TryGetValue(field.Name, out var implementation) && !implementation.ResolvableIn(context.Subgraph))
                                return false;
                        break;
                    case InlineFragmentSelection fragment when fragment.TypeCondition is null || fragment.TypeCondition == type.Name:
                        if (!CanKeepAbstract(context, type, fragment.SelectionSet, possible))
                            return false;
                        break;
                }
            }
            return true;
        }

        private void PlanField(Context context, TypeDef parent, CollectedField field)
        {
            if (field.Field.IsTypename)
            {
                context.Target.AddField("__typename", field.Field.Alias, null, false);
                return;
            }
            var definition = field.Field.Definition!;
            if (Resolvable(context.Subgraph, definition, context.Provided))
            {
                // A shared field whose subtree this subgraph cannot finish may be cheaper elsewhere.
                var here = FieldCost(context.Subgraph, definition, field.SelectionSet, context.Provided);
                if (here > 0 && parent.IsEntity)
                {
                    var better = definition.ResolvingSubgraphs()
                        .Where(s => s != context.Subgraph)
                        .Select(s => (Subgraph: s, Cost: 1 + FieldCost(s, definition, field.SelectionSet, null)))
                        .Where(c => c.Cost < here && FindKey(context, parent, c.Subgraph) is not null)
                        .OrderBy(c => c.Cost)
                        .Select(c => c.Subgraph)
                        .FirstOrDefault();
                    if (better is not null)
                    {
                        Jump(context, parent, better, field);
                        return;
                    }
                }
                PlanFieldHere(context, field);
                return;
            }

            if (FindJump(context, parent, definition) is { } target)
            {
                Jump(context, parent, target, field);
                return;
            }
            // A field an @interfaceObject adds to an interface: reached through the interface's key.
            foreach (var interfaceName in parent.Interfaces)
            {
                var iface = model.Type(interfaceName);
                if (iface.IsEntity && iface.Fields.TryGetValue(definition.Name, out var interfaceField)
                    && FindJump(context, iface, interfaceField) is { } interfaceTarget)
                {
                    Jump(context, iface, interfaceTarget, new CollectedField(field.ResponseKey, field.Field, field.SelectionSet), interfaceField);
                    return;
                }
            }
            if (Reroute(context, parent, field, definition))
                return;
            throw new PlanningException($"Cannot plan {parent.Name}.{definition.Name}: no subgraph resolving it can be reached from subgraph '{context.Subgraph}' through a key.");
        }

        /// <summary>
        /// A field of a value type that this subgraph lacks: fetch the path to it again, from
        /// the query root or the nearest entity, in a subgraph that resolves the whole path
        /// (shared value types such as a viewer object), and merge the two results.
        /// </summary>
        private bool Reroute(Context context, TypeDef parent, CollectedField field, FieldDef definition)
        {
            if (context.Anchor is not { } anchor || context.Chain is null)
                return false;
            var links = new List<ChainLink>();
            for (var link = context.Chain; link is not null; link = link.Parent)
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
                    target = target.AddField(selection.Name, selection.Alias, selection.Arguments, hasSelection: true)!;
                    path = ChildPath(path, link.Field.ResponseKey, link.Definition);
                }
                PlanField(new Context(group, target, path, null, context.Reserved, context.Internal) { Anchor = anchor, Chain = context.Chain }, parent, field);
                return true;
            }
            return false;
        }

        private string? FindJump(Context context, TypeDef parent, FieldDef definition)
        {
            var pathKey = string.Join('.', context.Path);
            var candidates = definition.ResolvingSubgraphs()
                .Where(s => (s != context.Subgraph || definition.SourceIn(s)?.Requires is not null) && FindKey(context, parent, s) is not null)
                .ToList();
            if (candidates.Count == 0)
                // No key this subgraph can provide: one whose fields another subgraph provides, fetched first.
                return definition.ResolvingSubgraphs().FirstOrDefault(s => s != context.Subgraph && FindIndirectKey(context, parent, s) is not null);
            return candidates.FirstOrDefault(s => context.Group.FindChild(s, pathKey) is not null) ?? candidates.FirstOrDefault();
        }

        /// <summary>A key of <paramref name="type"/> in <paramref name="subgraph"/> whose fields the current subgraph resolves or reaches by one jump.</summary>
        private KeyDef? FindIndirectKey(Context context, TypeDef type, string subgraph)
        {
            if (type.Kind != TypeKind.Object)
                return null;
            return type.ResolvableKeysIn(subgraph).FirstOrDefault(key => key.Fields.Collect(type.Name, model).All(field =>
                field.Field.Definition is not { } definition
                || Resolvable(context.Subgraph, definition, context.Provided)
                || definition.ResolvingSubgraphs().Any(r => r != context.Subgraph && r != subgraph && FindKey(context, type, r) is not null)));
        }

        /// <summary>A key of <paramref name="type"/> that <paramref name="subgraph"/> resolves and the current subgraph can provide.</summary>
        private KeyDef? FindKey(Context context, TypeDef type, string subgraph) =>
            type.ResolvableKeysIn(subgraph).FirstOrDefault(k => Missing(context.Subgraph, type.Name, k.Fields, context.Provided) == 0);

        private void Jump(Context context, TypeDef parent, string subgraph, CollectedField field, FieldDef? definitionOverride = null)
        {
            var definition = definitionOverride ?? field.Field.Definition!;
            var (group, target) = EntityGroup(context, parent, subgraph, definition.SourceIn(subgraph)?.Requires);
            var entityContext = new Context(group, target.Selection, context.Path, null, context.Reserved, context.Internal);
            PlanFieldHere(entityContext with { Anchor = parent.Kind == TypeKind.Object ? new Anchor(entityContext, parent, IsRoot: false) : null }, field, definition);
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
            context.Target.AddField("__typename", null, null, false);
            if (!indirect)
                AddFields(context.Target, context.Path, context.Reserved, key.Fields);

            var pathKey = string.Join('.', context.Path);
            FetchGroup group;
            if (requires is null && !indirect)
            {
                group = context.Group.FindChild(subgraph, pathKey)
                    ?? context.Group.AddChild(new FetchGroup(_nextId++, subgraph, context.Group, context.Path), pathKey, shareable: true);
            }
            else
            {
                // Required fields come first, from here or from further fetches; this fetch waits for all of them.
                var outer = _recording;
                _recording = [];
                if (indirect)
                    PlanSelection(context with { Internal = true }, parent.Name, key.Fields);
                if (requires is not null)
                    PlanSelection(context with { Internal = true }, parent.Name, requires);
                var dependencies = _recording;
                _recording = outer;
                group = new FetchGroup(_nextId++, subgraph, context.Group, context.Path);
                group.Dependencies.AddRange(dependencies);
                context.Group.AddChild(group, pathKey, shareable: false);
            }
            _recording?.Add(group);

            var typenameOverride = parent.IsAbstract && parent.InterfaceObjectIn.Contains(subgraph) ? parent.Name : null;
            group.AddShape(parent.Name, typenameOverride, Aliased(key.Fields, context.Path));
            if (requires is not null)
                group.AddShape(parent.Name, typenameOverride, Aliased(requires, context.Path));
            return (group, (group, group.Selection.AddInlineFragment(parent.Name)));
        }

        /// <summary>Adds a field the context's subgraph resolves, and plans its selection from there.</summary>
        private void PlanFieldHere(Context context, CollectedField field, FieldDef? definitionOverride = null)
        {
            var selection = field.Field;
            var definition = definitionOverride ?? selection.Definition!;
            var alias = context.Internal ? InternalAlias(context.Target, context.Reserved, selection, context.Path) : selection.Alias;
            var child = context.Target.AddField(selection.Name, alias, selection.Arguments, field.SelectionSet is not null);
            if (field.SelectionSet is null || child is null)
                return;
            var path = ChildPath(context.Path, alias ?? selection.Name, definition);
            var provided = Merge(ProvidedChild(context.Provided, definition.Name), definition.SourceIn(context.Subgraph)?.Provides);
            // The subgraph may type the field more narrowly (an object where the supergraph has a
            // union): plan for its type, and fetch __typename for the completer.
            var namedType = definition.NamedTypeIn(context.Subgraph);
            if (namedType != definition.NamedType && model.Type(definition.NamedType).IsAbstract)
                child.AddField("__typename", null, null, false);
            var childContext = new Context(context.Group, child, path, provided, null, context.Internal);
            var childType = model.Type(namedType);
            if (childType.Kind == TypeKind.Object && childType.IsEntity)
                childContext = childContext with { Anchor = new Anchor(childContext, childType, IsRoot: false) };
            else if (childType.Kind == TypeKind.Object && context.Anchor is not null)
                childContext = childContext with { Anchor = context.Anchor, Chain = new ChainLink(context.Chain, field, definition) };
            PlanSelection(childContext, namedType, field.SelectionSet);
        }

        private void AddFields(SubgraphSelection target, string[] path, HashSet<string>? reserved, SelectionSet fields)
        {
            foreach (var item in fields.Items)
            {
                if (item is FieldSelection field)
                {
                    var alias = InternalAlias(target, reserved, field, path);
                    var child = target.AddField(field.Name, alias, field.Arguments, field.SelectionSet is not null);
                    if (child is not null && field.SelectionSet is not null)
                        AddFields(child, ChildPath(path, alias ?? field.Name, field.Definition), null, field.SelectionSet);
                }
                else if (item is InlineFragmentSelection fragment)
                {
                    AddFields(fragment.TypeCondition is null ? target : target.AddInlineFragment(fragment.TypeCondition), path, reserved, fragment.SelectionSet);
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

        private static string[] ChildPath(string[] path, string responseKey, FieldDef? definition)
        {
            var depth = definition is null ? 0 : ListDepth(definition.Type);
            var child = new string[path.Length + 1 + depth];
            path.CopyTo(child, 0);
            child[path.Length] = responseKey;
            for (var i = path.Length + 1; i < child.Length; i++)
                child[i] = "@";
            return child;
        }

        /// <summary>
        /// Whether the subgraph resolves the field where it stands. A field with @requires is
        /// resolved only through <c>_entities</c>, with the required fields in the representation.
        /// </summary>
        private static bool Resolvable(string subgraph, FieldDef definition, SelectionSet? provided) =>
            (definition.ResolvableIn(subgraph) && definition.SourceIn(subgraph)?.Requires is null)
            || (provided is not null && ProvidedChildExists(provided, definition.Name));

        private static bool ProvidedChildExists(SelectionSet provided, string name) =>
            provided.Items.Any(i => i is FieldSelection f ? f.Name == name : i is InlineFragmentSelection g && ProvidedChildExists(g.SelectionSet, name));

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
                    missing += MissingField(subgraph, field.Field, field.SelectionSet, provided);
                return missing;
            }
            foreach (var item in selection.Items)
            {
                if (item is FieldSelection field)
                    missing += MissingField(subgraph, field, field.SelectionSet, provided);
                else if (item is InlineFragmentSelection fragment)
                    missing += Missing(subgraph, fragment.TypeCondition ?? typeName, fragment.SelectionSet, provided);
            }
            return missing;
        }

        private int MissingField(string subgraph, FieldSelection field, SelectionSet? selection, SelectionSet? provided)
        {
            if (field.Definition is null)
                return 0;
            if (!Resolvable(subgraph, field.Definition, provided))
                return 1;
            return FieldCost(subgraph, field.Definition, selection, provided);
        }

        /// <summary>What resolving a field's selection in <paramref name="subgraph"/> leaves to other fetches, counting what it @provides there.</summary>
        private int FieldCost(string subgraph, FieldDef definition, SelectionSet? selection, SelectionSet? parentProvided) =>
            Missing(subgraph, definition.NamedTypeIn(subgraph), selection,
                Merge(ProvidedChild(parentProvided, definition.Name), definition.SourceIn(subgraph)?.Provides));

        private static int ListDepth(GraphQLType type) => type switch
        {
            GraphQLNonNullType nonNull => ListDepth(nonNull.Type),
            GraphQLListType list => 1 + ListDepth(list.Type),
            _ => 0,
        };

        private PlanNode? BuildRoot(bool isMutation)
        {
            var nodes = _roots.Select(Build).ToList();
            if (nodes.Count == 0)
                return null;
            if (nodes.Count == 1)
                return nodes[0];
            return isMutation ? new SequenceNode(nodes) : new ParallelNode(nodes);
        }

        private PlanNode Build(FetchGroup group)
        {
            var fetch = ToFetch(group);
            var plain = group.Children.Where(c => c.Dependencies.Count == 0).Select(Build).ToList();
            // Groups with @requires wait for their parent's other children: their dependencies are among them.
            var dependent = group.Children.Where(c => c.Dependencies.Count > 0).Select(Build).ToList();
            if (plain.Count == 0 && dependent.Count == 0)
                return fetch;
            var sequence = new List<PlanNode> { fetch };
            if (plain.Count > 0)
                sequence.Add(plain.Count == 1 ? plain[0] : new ParallelNode(plain));
            sequence.AddRange(dependent);
            return new SequenceNode(sequence.SelectMany(n => n is SequenceNode inner ? inner.Nodes : [n]).ToList());
        }

        private FetchNode ToFetch(FetchGroup group)
        {
            var variables = new HashSet<string>();
            var body = new StringBuilder();
            if (group.MergePath is null)
            {
                group.Selection.Print(body, variables);
            }
            else
            {
                body.Append("{ _entities(representations: $representations) ");
                group.Selection.Print(body, variables);
                body.Append(" }");
            }

            var query = new StringBuilder(operation.Type == OperationType.Mutation && group.MergePath is null ? "mutation" : "query");
            var definitions = operation.Definition.Variables?.Items.Where(v => variables.Contains(v.Variable.Name.StringValue)).ToList() ?? [];
            if (group.MergePath is not null || definitions.Count > 0)
            {
                query.Append('(');
                var first = true;
                if (group.MergePath is not null)
                {
                    query.Append("$representations: [_Any!]!");
                    first = false;
                }
                foreach (var definition in definitions)
                {
                    if (!first)
                        query.Append(", ");
                    first = false;
                    query.Append('$').Append(definition.Variable.Name.StringValue).Append(": ").Append(SelectionPrinter.Print(definition.Type));
                    if (definition.DefaultValue is not null)
                        query.Append(" = ").Append(SelectionPrinter.Print(definition.DefaultValue));
                }
                query.Append(')');
            }
            query.Append(' ').Append(body);

            List<RepresentationShape>? shapes = null;
            if (group.MergePath is not null)
                shapes = group.Shapes.Select(s => new RepresentationShape(
                    s.Key, s.Value.TypenameOverride,
                    s.Value.Fields.Count == 1 ? s.Value.Fields[0] : new SelectionSet(s.Value.Fields[0].TypeName, s.Value.Fields.SelectMany(f => f.Items).ToList()))).ToList();
            return new FetchNode(group.Subgraph, query.ToString(), definitions.Select(d => d.Variable.Name.StringValue).ToList(), group.MergePath, shapes);
        }
    }
}

public sealed class PlanningException(string message) : Exception(message);
