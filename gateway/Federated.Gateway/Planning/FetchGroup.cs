using Federated.Gateway.Operations;

namespace Federated.Gateway.Planning;

/// <summary>
/// One subgraph request being planned: a root fetch, or an <c>_entities</c> fetch that
/// merges at a path. Children run after it; <see cref="Dependencies"/> are groups
/// (besides the parent) whose results it needs, for <c>@requires</c>.
/// </summary>
internal sealed class FetchGroup(int id, string subgraph, FetchGroup? parent, IReadOnlyList<string>? mergePath)
{
    private readonly Dictionary<string, FetchGroup> _childIndex = new();

    public int Id { get; } = id;
    public string Subgraph { get; } = subgraph;
    public FetchGroup? Parent { get; } = parent;
    /// <summary>Null for a root fetch.</summary>
    public IReadOnlyList<string>? MergePath { get; } = mergePath;
    public SubgraphSelection Selection { get; } = new();
    public List<FetchGroup> Children { get; } = [];
    public List<FetchGroup> Dependencies { get; } = [];
    public Dictionary<string, (string? TypenameOverride, List<SelectionSet> Fields, Dictionary<string, string> Aliases)> Shapes { get; } = new();

    public FetchGroup? FindChild(string subgraph, string pathKey) =>
        _childIndex.GetValueOrDefault(subgraph + "|" + pathKey);

    public FetchGroup AddChild(FetchGroup child, string pathKey, bool shareable)
    {
        Children.Add(child);
        if (shareable)
            _childIndex[child.Subgraph + "|" + pathKey] = child;
        return child;
    }

    /// <param name="reserved">Top-level fields the parent fetch selected under an internal alias (see QueryPlanner).</param>
    public void AddShape(string typeName, string? typenameOverride, SelectionSet fields, HashSet<string>? reserved)
    {
        var key = typenameOverride ?? typeName;
        if (!Shapes.TryGetValue(key, out var shape))
            Shapes[key] = shape = (typenameOverride, [], new Dictionary<string, string>());
        if (!shape.Fields.Contains(fields))
            shape.Fields.Add(fields);
        if (reserved is null)
            return;
        foreach (var item in fields.Items)
            if (item is FieldSelection field && reserved.Contains(field.Name))
                shape.Aliases[field.Name] = QueryPlanner.InternalPrefix + field.Name;
    }
}
