using System.Collections.Concurrent;
using Federated.Gateway.Supergraph;
using GraphQLParser.AST;

namespace Federated.Gateway.Operations;

/// <summary>
/// An operation after fragments are inlined and @skip/@include applied: the form the
/// planner and the result completer work on. Named fragment spreads become inline
/// fragments with the fragment's type condition.
/// </summary>
public abstract class Selection;

public sealed class FieldSelection(string name, string? alias, GraphQLArguments? arguments, FieldDef? definition, SelectionSet? selectionSet) : Selection
{
    public string Name { get; } = name;
    public string? Alias { get; } = alias;
    public string ResponseKey { get; } = alias ?? name;
    public GraphQLArguments? Arguments { get; } = arguments;
    /// <summary>Null for meta fields (<c>__typename</c>, <c>__schema</c>, <c>__type</c>).</summary>
    public FieldDef? Definition { get; } = definition;
    public SelectionSet? SelectionSet { get; } = selectionSet;
    public bool IsTypename => Name == "__typename";
    public bool IsIntrospection => Name is "__schema" or "__type";
    /// <summary>For __schema and __type: the field as written, which GraphQL.NET answers from the API schema.</summary>
    public GraphQLField? Ast { get; init; }
}

public sealed class InlineFragmentSelection(string? typeCondition, SelectionSet selectionSet) : Selection
{
    public string? TypeCondition { get; } = typeCondition;
    public SelectionSet SelectionSet { get; } = selectionSet;
}

/// <summary>A field of a selection set after CollectFields for one runtime type: fields of the same response key merged.</summary>
public sealed record CollectedField(string ResponseKey, FieldSelection Field, SelectionSet? SelectionSet);

public sealed class SelectionSet(string typeName, List<Selection> items)
{
    private readonly ConcurrentDictionary<string, CollectedField[]> _collected = new();

    private HashSet<string>? _reserved;

    public string TypeName { get; } = typeName;
    public List<Selection> Items { get; } = items;

    /// <summary>Response keys that name a different field, or the same field with arguments: the planner must not put its own fields there.</summary>
    public HashSet<string> ReservedKeys()
    {
        if (_reserved is not null)
            return _reserved;
        var reserved = new HashSet<string>();
        Gather(this, reserved);
        return _reserved = reserved;

        static void Gather(SelectionSet set, HashSet<string> reserved)
        {
            foreach (var item in set.Items)
            {
                if (item is FieldSelection field && (field.ResponseKey != field.Name || field.Arguments is not null))
                    reserved.Add(field.ResponseKey);
                else if (item is InlineFragmentSelection fragment)
                    Gather(fragment.SelectionSet, reserved);
            }
        }
    }

    /// <summary>The spec's CollectFields for an object of <paramref name="objectType"/>, cached.</summary>
    public CollectedField[] Collect(string objectType, SupergraphModel supergraph) =>
        _collected.GetOrAdd(objectType, static (type, state) => state.Self.CollectCore(type, state.Supergraph), (Self: this, Supergraph: supergraph));

    private CollectedField[] CollectCore(string objectType, SupergraphModel supergraph)
    {
        var order = new List<string>();
        var groups = new Dictionary<string, List<FieldSelection>>();
        Gather(this, objectType, supergraph, order, groups);
        var result = new CollectedField[order.Count];
        for (var i = 0; i < order.Count; i++)
        {
            var fields = groups[order[i]];
            var first = fields[0];
            SelectionSet? merged = first.SelectionSet;
            if (fields.Count > 1 && first.SelectionSet is not null)
                merged = new SelectionSet(first.SelectionSet.TypeName, fields.SelectMany(f => f.SelectionSet?.Items ?? []).ToList());
            result[i] = new CollectedField(order[i], first, merged);
        }
        return result;
    }

    private static void Gather(SelectionSet set, string objectType, SupergraphModel supergraph, List<string> order, Dictionary<string, List<FieldSelection>> groups)
    {
        foreach (var item in set.Items)
        {
            switch (item)
            {
                case FieldSelection field:
                    if (!groups.TryGetValue(field.ResponseKey, out var list))
                    {
                        groups[field.ResponseKey] = list = [];
                        order.Add(field.ResponseKey);
                    }
                    list.Add(field);
                    break;
                case InlineFragmentSelection fragment when fragment.TypeCondition is null || supergraph.IsPossibleType(fragment.TypeCondition, objectType):
                    Gather(fragment.SelectionSet, objectType, supergraph, order, groups);
                    break;
            }
        }
    }
}
