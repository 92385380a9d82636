using System.Text;
using GraphQLParser.AST;

namespace Federated.Gateway.Planning;

/// <summary>
/// A selection set being built for one subgraph operation. Adding a field that is already
/// there (same response key) returns the existing one, so the planner never sends a field twice.
/// </summary>
internal sealed class SubgraphSelection
{
    private readonly List<object> _items = [];

    public bool IsEmpty => _items.Count == 0;

    /// <summary>The response keys of the fields at this level, in order.</summary>
    public IEnumerable<string> ResponseKeys => _items.OfType<SubgraphField>().Select(f => f.ResponseKey);

    public SubgraphSelection? AddField(string name, string? alias, GraphQLArguments? arguments, bool hasSelection)
    {
        var key = alias ?? name;
        foreach (var item in _items)
        {
            if (item is SubgraphField existing && existing.ResponseKey == key)
            {
                if (hasSelection)
                    existing.Selection ??= new SubgraphSelection();
                return existing.Selection;
            }
        }
        var field = new SubgraphField(name, alias == name ? null : alias, arguments) { Selection = hasSelection ? new SubgraphSelection() : null };
        _items.Add(field);
        return field.Selection;
    }

    /// <summary>Whether <paramref name="responseKey"/> is taken by another field, or the same field with other arguments.</summary>
    public bool Conflicts(string responseKey, string name, GraphQLArguments? arguments)
    {
        foreach (var item in _items)
        {
            if (item is SubgraphField existing && existing.ResponseKey == responseKey)
                return existing.Name != name || Print(existing.Arguments) != Print(arguments);
        }
        return false;

        static string Print(GraphQLArguments? arguments)
        {
            if (arguments is null || arguments.Items.Count == 0)
                return "";
            var sb = new StringBuilder();
            SelectionPrinter.AppendArguments(sb, arguments, null);
            return sb.ToString();
        }
    }

    public SubgraphSelection AddInlineFragment(string typeCondition)
    {
        foreach (var item in _items)
            if (item is SubgraphFragment existing && existing.TypeCondition == typeCondition)
                return existing.Selection;
        var fragment = new SubgraphFragment(typeCondition);
        _items.Add(fragment);
        return fragment.Selection;
    }

    public void Print(StringBuilder sb, HashSet<string> variables)
    {
        sb.Append('{');
        foreach (var item in _items)
        {
            sb.Append(' ');
            if (item is SubgraphField field)
            {
                if (field.Alias is not null)
                    sb.Append(field.Alias).Append(": ");
                sb.Append(field.Name);
                SelectionPrinter.AppendArguments(sb, field.Arguments, variables);
                if (field.Selection is not null)
                {
                    sb.Append(' ');
                    field.Selection.Print(sb, variables);
                }
            }
            else if (item is SubgraphFragment fragment)
            {
                sb.Append("... on ").Append(fragment.TypeCondition).Append(' ');
                fragment.Selection.Print(sb, variables);
            }
        }
        sb.Append(" }");
    }

    private sealed class SubgraphField(string name, string? alias, GraphQLArguments? arguments)
    {
        public string Name { get; } = name;
        public string? Alias { get; } = alias;
        public string ResponseKey => Alias ?? Name;
        public GraphQLArguments? Arguments { get; } = arguments;
        public SubgraphSelection? Selection { get; set; }
    }

    private sealed class SubgraphFragment(string typeCondition)
    {
        public string TypeCondition { get; } = typeCondition;
        public SubgraphSelection Selection { get; } = new();
    }
}
