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
    public Dictionary<string, (string? TypenameOverride, List<SelectionSet> Fields)> Shapes { get; } = new();

    public FetchGroup? FindChild(string subgraph, string pathKey) =>
        _childIndex.GetValueOrDefault(subgraph + "|" + pathKey);

    public FetchGroup AddChild(FetchGroup child, string pathKey, bool shareable)
    {
        Children.Add(child);
        if (shareable)
            _childIndex[child.Subgraph + "|" + pathKey] = child;
        return child;
    }

    public void AddShape(string typeName, string? typenameOverride, SelectionSet fields)
    {
        var key = typenameOverride ?? typeName;
        if (!Shapes.TryGetValue(key, out var shape))
            Shapes[key] = shape = (typenameOverride, []);
        if (!shape.Fields.Contains(fields))
            shape.Fields.Add(fields);
    }
}
