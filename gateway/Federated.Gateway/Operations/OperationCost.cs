using System.Collections.Immutable;
using Federated.Gateway.Supergraph;
using GraphQL;
using GraphQLParser.AST;

namespace Federated.Gateway.Operations;

/// <summary>
/// An upper estimate of how many values an operation can ask the subgraphs for, made before it
/// is planned, so that one request cannot make them produce millions (a page of 100 products,
/// aliased a thousand times; lists nested in lists). Every field counts once for each object it
/// may be asked on. A list multiplies what is under it by its size: its own <c>first</c> (or
/// <c>last</c>) argument; inside a connection (a field with such an argument that returns an
/// object, as <c>products(first: 10) { nodes }</c>), the connection's; otherwise
/// <see cref="DefaultListSize"/>. A value of an abstract type counts as the dearest of its
/// object types, with the fragments that apply to that type; <c>@skip</c>/<c>@include</c> count
/// as included: an upper bound, in the manner of Apollo's demand control and the IBM GraphQL
/// cost specification.
/// </summary>
public static class OperationCost
{
    /// <summary>
    /// What a list without a size argument is counted as: the subgraphs' page size when a
    /// connection's <c>first</c> is left out (the kit's <c>PagingArguments.DefaultPageSize</c>).
    /// Until the twenty-first session 10, half of it, so that lists nested in lists were
    /// counted at a half, a quarter, an eighth of what they could return (found by a review).
    /// </summary>
    public const int DefaultListSize = 20;

    /// <summary>What a <c>__schema</c> field counts as: the whole schema, a few hundred kilobytes of answer (at most ten a request at the default limit).</summary>
    public const int SchemaIntrospectionCost = 10_000;

    /// <summary>What a <c>__type</c> field counts as: one type, its fields and their arguments.</summary>
    public const int TypeIntrospectionCost = 500;

    /// <summary>The estimate a gateway refuses above unless configured otherwise (<c>Gateway:MaxOperationCost</c>).</summary>
    public const int DefaultLimit = 100_000;

    /// <summary>The estimate, and whether it used a variable's value (then it holds for these variables only).</summary>
    public static (double Cost, bool UsesVariables) Estimate(SupergraphModel supergraph, GraphQLDocument document, GraphQLOperationDefinition operation, Inputs variables)
    {
        var walk = new Walk(supergraph, document, operation, variables);
        var root = operation.Operation switch
        {
            OperationType.Mutation => supergraph.MutationType!,
            _ => supergraph.QueryType,
        };
        var cost = walk.Selections(operation.SelectionSet, supergraph.Types[root], slice: null);
        return (cost, walk.UsesVariables);
    }

    private sealed class Walk(SupergraphModel supergraph, GraphQLDocument document, GraphQLOperationDefinition operation, Inputs variables)
    {
        // A selection set costs the same wherever it is walked on the same type and slice: walked
        // once, so a document that spreads fragments under fragments takes a walk of its own length.
        private readonly Dictionary<(GraphQLSelectionSet Set, string Type, int? Slice), double> _walked = new();

        public bool UsesVariables { get; private set; }

        /// <param name="slice">The size the enclosing connection gives the lists directly in it.</param>
        public double Selections(GraphQLSelectionSet set, TypeDef parent, int? slice)
        {
            // A value of an abstract type is one of its object types: the dearest of them.
            if (parent.IsAbstract && parent.PossibleTypes.Count > 0)
                return parent.PossibleTypes.Select(TypeNamed).OfType<TypeDef>().Max(type => Selections(set, type, slice));
            if (_walked.TryGetValue((set, parent.Name, slice), out var known))
                return known;
            var cost = 0d;
            HashSet<string>? spread = null;
            foreach (var selection in set.Selections)
            {
                cost += selection switch
                {
                    GraphQLField field => Field(field, parent, slice),
                    GraphQLInlineFragment inline when Applies(inline.TypeCondition?.Type.Name.StringValue, parent) => Selections(inline.SelectionSet, parent, slice),
                    // The same fragment spread twice in one selection set is one set of fields (CollectFields).
                    GraphQLFragmentSpread fragment when (spread ??= []).Add(fragment.FragmentName.Name.StringValue) => Spread(fragment.FragmentName.Name.StringValue, parent, slice),
                    _ => 0,
                };
            }
            return _walked[(set, parent.Name, slice)] = cost;
        }

        private double Spread(string name, TypeDef parent, int? slice) =>
            FragmentNamed(name) is { } fragment
            && Applies(fragment.TypeCondition.Type.Name.StringValue, parent)
                ? Selections(fragment.SelectionSet, parent, slice)
                : 0;

        private GraphQLFragmentDefinition? FragmentNamed(string name) =>
            document.Definitions.OfType<GraphQLFragmentDefinition>().FirstOrDefault(f => f.FragmentName.Name.StringValue == name);

        /// <summary>Whether a fragment on <paramref name="condition"/> applies to a value of <paramref name="type"/>.</summary>
        private bool Applies(string? condition, TypeDef type)
        {
            // An abstract type left here has no object types known: everything counts.
            if (condition is null || condition == type.Name || type.IsAbstract)
                return true;
            return TypeNamed(condition) is { IsAbstract: true } abstractType && abstractType.PossibleTypes.Contains(type.Name);
        }

        private double Field(GraphQLField field, TypeDef parent, int? slice)
        {
            var name = field.Name.StringValue;
            // __typename is answered with the object; introspection locally, from the schema.
            if (name is "__schema" or "__type")
                return Introspection(field, name);
            if (name.StartsWith("__", StringComparison.Ordinal) || !parent.Fields.TryGetValue(name, out var definition))
                return name == "__typename" ? 0 : 1;
            var sliced = IntArgument(field, "first") ?? IntArgument(field, "last");
            var size = definition.IsListType ? sliced ?? slice ?? DefaultListSize : 1;
            var below = field.SelectionSet is { } selections && TypeNamed(definition.NamedType) is { } type
                ? Selections(selections, type, definition.IsListType ? null : sliced)
                : 0;
            return size * (1 + below);
        }

        /// <summary>
        /// An introspection field: what it answers is bounded by the schema's size, once a list of
        /// types' members is not asked for inside itself (a type's fields' types' fields, and on),
        /// which is refused as Apollo Router does; each <c>__schema</c> counts as
        /// <see cref="SchemaIntrospectionCost"/>, each <c>__type</c> as <see cref="TypeIntrospectionCost"/>.
        /// Until the twenty-first session each counted 1 whatever it selected, so one request of
        /// thousands of aliased <c>__schema</c> fields answered hundreds of megabytes (found by a review).
        /// </summary>
        private double Introspection(GraphQLField field, string name)
        {
            if (field.SelectionSet is { } selections && NestsInItself(selections, [], depth: 0))
                return double.PositiveInfinity;
            return name == "__schema" ? SchemaIntrospectionCost : TypeIntrospectionCost;
        }

        private static readonly HashSet<string> TypeMemberLists = ["fields", "inputFields", "interfaces", "possibleTypes", "types"];

        /// <summary>Whether one of <see cref="TypeMemberLists"/> is asked for inside itself, in this set or its fragments.</summary>
        private bool NestsInItself(GraphQLSelectionSet set, ImmutableStack<string> path, int depth)
        {
            // Validation refuses fragment cycles later; the bound keeps this walk finite before it.
            if (depth > 64)
                return true;
            foreach (var selection in set.Selections)
            {
                var nested = selection switch
                {
                    GraphQLField field when field.SelectionSet is { } inner => field.Name.StringValue is var member && TypeMemberLists.Contains(member)
                        ? path.Contains(member) || NestsInItself(inner, path.Push(member), depth + 1)
                        : NestsInItself(inner, path, depth + 1),
                    GraphQLInlineFragment inline => NestsInItself(inline.SelectionSet, path, depth + 1),
                    GraphQLFragmentSpread spread => FragmentNamed(spread.FragmentName.Name.StringValue) is { } fragment
                        && NestsInItself(fragment.SelectionSet, path, depth + 1),
                    _ => false,
                };
                if (nested)
                    return true;
            }
            return false;
        }

        private int? IntArgument(GraphQLField field, string name)
        {
            var argument = field.Arguments?.Items.FirstOrDefault(a => a.Name.StringValue == name);
            object? value = argument?.Value switch
            {
                GraphQLIntValue literal => Int(literal),
                GraphQLVariable variable => Variable(variable.Name.StringValue),
                _ => null,
            };
            return value switch
            {
                int number => Math.Max(0, number),
                long number => (int)Math.Clamp(number, 0, int.MaxValue),
                _ => null,
            };
        }

        /// <summary>The variable's value, or its default when it was not sent.</summary>
        private object? Variable(string name)
        {
            UsesVariables = true;
            if (variables.TryGetValue(name, out var value))
                return value;
            return operation.Variables?.Items.FirstOrDefault(v => v.Variable.Name.StringValue == name)?.DefaultValue is GraphQLIntValue literal ? Int(literal) : null;
        }

        private static int Int(GraphQLIntValue literal) =>
            int.TryParse(literal.Value.Span, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : int.MaxValue;

        private TypeDef? TypeNamed(string? name) => name is not null && supergraph.Types.TryGetValue(name, out var type) ? type : null;
    }
}
