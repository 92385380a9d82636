using System.Text;
using Federated.Gateway.Operations;

namespace Federated.Gateway.Planning;

/// <summary>A node of a query plan, in the shape of Apollo's plans: Sequence, Parallel, Fetch (Flatten is a fetch with a merge path).</summary>
public abstract class PlanNode
{
    internal abstract void Print(StringBuilder sb, int indent);
}

public sealed class SequenceNode(IReadOnlyList<PlanNode> nodes) : PlanNode
{
    public IReadOnlyList<PlanNode> Nodes { get; } = nodes;

    internal override void Print(StringBuilder sb, int indent)
    {
        sb.Append(' ', indent).Append("Sequence {\n");
        foreach (var node in Nodes)
            node.Print(sb, indent + 2);
        sb.Append(' ', indent).Append("}\n");
    }
}

public sealed class ParallelNode(IReadOnlyList<PlanNode> nodes) : PlanNode
{
    public IReadOnlyList<PlanNode> Nodes { get; } = nodes;

    internal override void Print(StringBuilder sb, int indent)
    {
        sb.Append(' ', indent).Append("Parallel {\n");
        foreach (var node in Nodes)
            node.Print(sb, indent + 2);
        sb.Append(' ', indent).Append("}\n");
    }
}

/// <summary>
/// What an entity fetch sends for objects of one type: <c>__typename</c> (or the interface
/// name, for an <c>@interfaceObject</c> subgraph) and the key and required fields.
/// </summary>
/// <param name="Fields">The key and required fields; each is read from the parent's result under its alias (if the planner gave it one) and sent under its name.</param>
public sealed record RepresentationShape(string TypeName, string? TypenameOverride, SelectionSet Fields);

public sealed class FetchNode(
    string subgraph,
    string query,
    IReadOnlyList<string> variables,
    IReadOnlyList<string>? mergePath,
    IReadOnlyList<RepresentationShape>? representations,
    IReadOnlyList<string>? rootFields = null) : PlanNode
{
    /// <summary>For a root fetch, the response keys of its root fields: where its failure is reported.</summary>
    public IReadOnlyList<string> RootFields { get; } = rootFields ?? [];
    public string Subgraph { get; } = subgraph;
    /// <summary>The subgraph operation text.</summary>
    public string Query { get; } = query;
    /// <summary>Client variables this fetch uses (only these are forwarded).</summary>
    public IReadOnlyList<string> Variables { get; } = variables;
    /// <summary>For an entity fetch, where its results merge: response keys, "@" for list items. Null for a root fetch.</summary>
    public IReadOnlyList<string>? MergePath { get; } = mergePath;
    public IReadOnlyList<RepresentationShape>? Representations { get; } = representations;
    public bool IsEntityFetch => MergePath is not null;
    /// <summary>Whether some fields travel under a shape alias (<see cref="SubgraphSelection.SeparateShapes"/>) to be renamed back in the result.</summary>
    public bool HasShapeAliases { get; init; }
    /// <summary>For an entity fetch, the name of its <c>_entities</c> variable in <see cref="Query"/> (not one of the client's, <see cref="Variables"/>).</summary>
    public string RepresentationsVariable { get; init; } = "representations";
    /// <summary><c>{"query":"…"</c> encoded once, so each request only appends its variables.</summary>
    public byte[] QueryJsonPrefix { get; } = BuildPrefix(query);

    private static byte[] BuildPrefix(string query)
    {
        using var stream = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteString("query", query);
            writer.Flush();
        }
        return stream.ToArray();
    }

    internal override void Print(StringBuilder sb, int indent)
    {
        if (MergePath is not null)
        {
            sb.Append(' ', indent).Append("Flatten(path: \"").AppendJoin('.', MergePath).Append("\") {\n");
            indent += 2;
        }
        sb.Append(' ', indent).Append("Fetch(service: \"").Append(Subgraph).Append("\") {\n");
        if (Representations is not null)
            foreach (var shape in Representations)
                sb.Append(' ', indent + 2).Append("rep ").Append(shape.TypenameOverride ?? shape.TypeName).Append(' ')
                    .Append(SelectionPrinter.Print(shape.Fields)).Append('\n');
        sb.Append(' ', indent + 2).Append(Query).Append('\n');
        sb.Append(' ', indent).Append("}\n");
        if (MergePath is not null)
            sb.Append(' ', indent - 2).Append("}\n");
    }
}

public sealed class QueryPlan(NormalizedOperation operation, PlanNode? root, bool hasIntrospection)
{
    public NormalizedOperation Operation { get; } = operation;
    /// <summary>Null when no subgraph is needed (only __typename or introspection).</summary>
    public PlanNode? Root { get; } = root;
    /// <summary>Whether root fields __schema or __type are answered from the API schema.</summary>
    public bool HasIntrospection { get; } = hasIntrospection;

    public IEnumerable<FetchNode> Fetches() => Walk(Root);

    private static IEnumerable<FetchNode> Walk(PlanNode? node) => node switch
    {
        FetchNode fetch => [fetch],
        SequenceNode sequence => sequence.Nodes.SelectMany(Walk),
        ParallelNode parallel => parallel.Nodes.SelectMany(Walk),
        _ => [],
    };

    public override string ToString()
    {
        var sb = new StringBuilder("QueryPlan {\n");
        Root?.Print(sb, 2);
        return sb.Append('}').ToString();
    }
}
