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

    /// <param name="shape">The field's type in the subgraph (<c>ID!</c>), to tell fields under one response key apart that the subgraph would reject together.</param>
    public SubgraphSelection? AddField(string name, string? alias, GraphQLArguments? arguments, bool hasSelection, string? shape = null)
    {
        var key = alias ?? name;
        foreach (var item in _items)
        {
            if (item is SubgraphField existing && existing.ResponseKey == key)
            {
                if (hasSelection)
                    existing.Selection ??= new SubgraphSelection();
                existing.Shape ??= shape;
                return existing.Selection;
            }
        }
        var field = new SubgraphField(name, alias == name ? null : alias, arguments)
        {
            Selection = hasSelection ? new SubgraphSelection() : null,
            Shape = name == "__typename" ? "String!" : shape,
        };
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

    /// <summary>Where a field travels when its response key is also another field's of another type in the same subgraph response (see <see cref="SeparateShapes"/>).</summary>
    public const string ShapeAliasPrefix = "__fed_as_";

    /// <summary>
    /// Gives fields an alias where one response key holds fields of different types across the
    /// fragments of one level (<c>... on User { id }</c> with <c>ID!</c>, <c>... on Admin { id }</c> with
    /// <c>ID</c>): GraphQL rejects that, though no object has both. Each such field travels as
    /// <c>__fed_as_{type}__{key}</c>, a name the executor turns back into the key. Levels are compared over
    /// every selection merged into them, so sibling selections get the same aliases. True when any field got one.
    /// </summary>
    public static bool SeparateShapes(IReadOnlyList<SubgraphSelection> sets)
    {
        var fields = new List<SubgraphField>();
        foreach (var set in sets)
            set.GatherFields(fields);
        var aliased = false;
        foreach (var group in fields.GroupBy(f => f.ResponseKey).ToList())
        {
            if (group.Select(f => f.Shape).Where(s => s is not null).Distinct().Count() < 2)
                continue;
            foreach (var field in group)
            {
                if (field.Shape is null)
                    continue;
                field.Alias = ShapeAliasPrefix + Slug(field.Shape) + "__" + field.ResponseKey;
                aliased = true;
            }
        }
        foreach (var group in fields.Where(f => f.Selection is not null).GroupBy(f => f.Alias ?? f.Name))
            aliased |= SeparateShapes(group.Select(f => f.Selection!).ToList());
        return aliased;

        static string Slug(string shape) =>
            string.Concat(shape.Select(c => c switch { '!' => "N", '[' => "L", ']' => "E", _ when char.IsAsciiLetterOrDigit(c) => c.ToString(), _ => "" }));
    }

    /// <summary>The response key a field given a shape alias answers to.</summary>
    public static string? KeyOfShapeAlias(string key)
    {
        if (!key.StartsWith(ShapeAliasPrefix, StringComparison.Ordinal))
            return null;
        var end = key.IndexOf("__", ShapeAliasPrefix.Length, StringComparison.Ordinal);
        return end < 0 ? null : key[(end + 2)..];
    }

    private void GatherFields(List<SubgraphField> fields)
    {
        foreach (var item in _items)
        {
            if (item is SubgraphField field)
                fields.Add(field);
            else if (item is SubgraphFragment fragment)
                fragment.Selection.GatherFields(fields);
        }
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
        public string? Alias { get; set; } = alias;
        /// <summary>The key the client's response has the field under, whatever alias it travels as.</summary>
        public string ResponseKey { get; } = alias ?? name;
        public string? Shape { get; set; }
        public GraphQLArguments? Arguments { get; } = arguments;
        public SubgraphSelection? Selection { get; set; }
    }

    private sealed class SubgraphFragment(string typeCondition)
    {
        public string TypeCondition { get; } = typeCondition;
        public SubgraphSelection Selection { get; } = new();
    }
}
