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
public sealed partial class QueryPlanner(SupergraphModel supergraph)
{
    /// <summary>The supergraph this planner plans for: operations are normalized against it.</summary>
    public SupergraphModel Supergraph => supergraph;

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

        /// <summary>
        /// Below an entity: the anchor above it, with the fields down to the position. A subgraph
        /// may know the entity only as a value type (no key), reached again from the entity above.
        /// </summary>
        public Reach? Outer { get; init; }

        /// <summary>
        /// Other subgraphs that could resolve the position as well (a shareable path): a union there
        /// has only the members every one of them has. Null: the context's subgraph alone.
        /// </summary>
        public HashSet<string>? Candidates { get; init; }
    }

    private sealed record Reach(Anchor Anchor, ChainLink Chain);

    internal const string InternalPrefix = "__fed_";

    /// <summary>
    /// Where the planner's own __typename goes when the client's selection gives the response key
    /// "__typename" to another field (<c>__typename: upc</c>, a valid alias): the executor reads the
    /// type from here first (<see cref="Execution.Typenames"/>).
    /// </summary>
    internal const string TypenameAlias = InternalPrefix + "typename";

    private sealed record Anchor(Context Context, TypeDef Type, bool IsRoot);

    private sealed record ChainLink(ChainLink? Parent, CollectedField Field, FieldDef Definition);

    private sealed partial class Run(SupergraphModel model, NormalizedOperation operation)
    {
        private readonly List<FetchGroup> _roots = [];
        // The alias a planner-added field got, by the field set's field and the path of its parent object.
        private readonly Dictionary<(FieldSelection Field, string Path), string> _aliases = new();
        private List<FetchGroup>? _recording;
        // Subgraphs whose indirect keys (reached through other subgraphs) are being planned, innermost last.
        private readonly HashSet<string> _indirectTargets = [];
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
                PlanFieldHere(new Context(group, group.Selection, [], null) { Anchor = anchor, Candidates = candidates.Count > 1 ? [.. candidates] : null }, field);
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

        private void PlanField(Context context, TypeDef parent, CollectedField field)
        {
            if (field.Field.IsTypename)
            {
                context.Target.AddField("__typename", field.Field.Alias, null, false);
                return;
            }
            // A field selected on an interface is the implementation's here: it may have its own
            // @requires, or be resolved by other subgraphs, than the interface's field.
            var definition = field.Field.Definition!;
            if (parent.Kind == TypeKind.Object && definition.Parent != parent && parent.Fields.TryGetValue(definition.Name, out var own))
                definition = own;
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
                        Jump(context, parent, better, field, definition);
                        return;
                    }
                }
                PlanFieldHere(context, field, definition);
                return;
            }

            if (FindJump(context, parent, definition, field.SelectionSet) is { } target)
            {
                Jump(context, parent, target, field, definition);
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

        /// <summary>Adds a field the context's subgraph resolves, and plans its selection from there.</summary>
        private void PlanFieldHere(Context context, CollectedField field, FieldDef? definitionOverride = null)
        {
            var selection = field.Field;
            var definition = definitionOverride ?? selection.Definition!;
            var alias = context.Internal ? InternalAlias(context.Target, context.Reserved, selection, context.Path) : selection.Alias;
            var child = context.Target.AddField(selection.Name, alias, selection.Arguments, field.SelectionSet is not null, ShapeIn(definition, context.Subgraph));
            if (field.SelectionSet is null || child is null)
                return;
            var path = ChildPath(context.Path, alias ?? selection.Name, definition);
            var provided = Merge(ProvidedChild(context.Provided, definition.Name), definition.SourceIn(context.Subgraph)?.Provides);
            // The subgraph may type the field more narrowly (an object where the supergraph has a
            // union): plan for its type, and fetch __typename for the completer.
            var namedType = definition.NamedTypeIn(context.Subgraph);
            if (namedType != definition.NamedType && model.Type(definition.NamedType).IsAbstract)
                AddTypename(child, field.SelectionSet.ReservedKeys());
            var childContext = new Context(context.Group, child, path, provided, null, context.Internal) { Candidates = ChildCandidates(context, definition) };
            var childType = model.Type(namedType);
            if (childType.Kind == TypeKind.Object && childType.IsEntity)
                childContext = childContext with
                {
                    Anchor = new Anchor(childContext, childType, IsRoot: false),
                    Outer = context.Anchor is null ? null : new Reach(context.Anchor, new ChainLink(context.Chain, field, definition)),
                };
            else if (childType.Kind == TypeKind.Object && context.Anchor is not null)
                childContext = childContext with
                {
                    Anchor = context.Anchor,
                    Chain = new ChainLink(context.Chain, field, definition),
                    Outer = context.Outer is { } outer ? new Reach(outer.Anchor, new ChainLink(outer.Chain, field, definition)) : null,
                };
            PlanSelection(childContext, namedType, field.SelectionSet);
        }

        /// <summary>
        /// The subgraphs that could resolve the field's value as well as the context's: those resolving
        /// the field that could resolve its parent too, or reach it through one of its keys.
        /// </summary>
        private static HashSet<string>? ChildCandidates(Context context, FieldDef definition)
        {
            HashSet<string>? candidates = null;
            foreach (var subgraph in definition.ResolvingSubgraphs())
            {
                if (subgraph == context.Subgraph || definition.SourceIn(subgraph)?.Requires is not null)
                    continue;
                if (context.Candidates?.Contains(subgraph) == true || definition.Parent.ResolvableKeysIn(subgraph).Any())
                    (candidates ??= [context.Subgraph]).Add(subgraph);
            }
            return candidates;
        }

        /// <summary>
        /// What GraphQL compares of two fields under one response key on different types (its
        /// SameResponseShape): the list and non-null wrappers, and the type itself only for scalars and enums.
        /// </summary>
        private string ShapeIn(FieldDef definition, string subgraph)
        {
            var text = definition.TypeTextIn(subgraph);
            var named = text.Trim('[', ']', '!');
            return model.Types.TryGetValue(named, out var type) && !type.IsLeaf ? text.Replace(named, "Object", StringComparison.Ordinal) : text;
        }

        /// <summary>The planner's __typename, under <see cref="TypenameAlias"/> when the client took the name.</summary>
        private static void AddTypename(SubgraphSelection target, HashSet<string>? reserved) =>
            target.AddField("__typename", reserved is not null && reserved.Contains("__typename") ? TypenameAlias : null, null, false);

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

        private static int ListDepth(GraphQLType type) => type switch
        {
            GraphQLNonNullType nonNull => ListDepth(nonNull.Type),
            GraphQLListType list => 1 + ListDepth(list.Type),
            _ => 0,
        };
    }
}

public sealed class PlanningException(string message) : Exception(message);
