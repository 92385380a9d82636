using Federated.Gateway.Operations;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Federated.Gateway.Supergraph;

/// <summary>A subgraph named by the supergraph's <c>join__Graph</c> enum.</summary>
public sealed record SubgraphInfo(string EnumValue, string Name, string Url);

public enum TypeKind { Object, Interface, Union, Enum, InputObject, Scalar }

/// <summary>One <c>@key</c> of an entity in one subgraph.</summary>
public sealed record KeyDef(string Subgraph, string Raw, SelectionSet Fields, bool Resolvable);

/// <summary>One <c>@join__field</c>: how one subgraph knows a field.</summary>
/// <param name="TypeText">The field's whole type in this subgraph (<c>@join__field(type:)</c>), e.g. <c>ID!</c> where the supergraph has <c>ID</c>.</param>
/// <param name="NamedType">The field's named type in this subgraph when it differs from the supergraph's (<c>@join__field(type:)</c>), e.g. an object where the supergraph has a union.</param>
public sealed record FieldSource(
    string Subgraph,
    SelectionSet? Requires,
    SelectionSet? Provides,
    bool External,
    string? Override,
    bool UsedOverridden,
    string? NamedType = null,
    string? TypeText = null)
{
    /// <summary>The progressive override label of this subgraph's <c>@override</c> (<see cref="ProgressiveOverride"/>).</summary>
    public string? OverrideLabel { get; init; }
}

public sealed class FieldDef(string name, GraphQLType type, TypeDef parent)
{
    public string Name { get; } = name;
    public GraphQLType Type { get; } = type;
    public string NamedType { get; } = type.NamedTypeName();
    public TypeDef Parent { get; } = parent;
    public bool Inaccessible { get; set; }

    /// <summary>Empty when the field has no <c>@join__field</c>: then every subgraph of its type resolves it.</summary>
    public List<FieldSource> Sources { get; } = [];

    /// <summary>
    /// Whether the field has any <c>@join__field</c>. One without a graph marks a field no
    /// subgraph defines on this type itself, such as one an <c>@interfaceObject</c> adds.
    /// </summary>
    public bool HasJoinField { get; set; }

    public bool IsListType => Type.IsListType();

    private string? _typeText;

    /// <summary>The field's whole type in <paramref name="subgraph"/> as GraphQL text (<c>[Account!]!</c>).</summary>
    public string TypeTextIn(string subgraph) => SourceIn(subgraph)?.TypeText ?? (_typeText ??= Print(Type));

    private static string Print(GraphQLType type) => type switch
    {
        GraphQLNonNullType nonNull => Print(nonNull.Type) + "!",
        GraphQLListType list => "[" + Print(list.Type) + "]",
        GraphQLNamedType named => named.Name.StringValue,
        _ => "",
    };

    /// <summary>The named type the field has in <paramref name="subgraph"/>.</summary>
    public string NamedTypeIn(string subgraph) => SourceIn(subgraph)?.NamedType ?? NamedType;

    public FieldSource? SourceIn(string subgraph)
    {
        foreach (var source in Sources)
            if (source.Subgraph == subgraph)
                return source;
        return null;
    }

    /// <summary>Whether <paramref name="subgraph"/> resolves this field itself (not external, not overridden away).</summary>
    public bool ResolvableIn(string subgraph)
    {
        if (!HasJoinField)
            return Parent.Subgraphs.Contains(subgraph);
        var source = SourceIn(subgraph);
        return source is { External: false, UsedOverridden: false };
    }

    public IEnumerable<string> ResolvingSubgraphs()
    {
        if (!HasJoinField)
            return Parent.Subgraphs;
        return Sources.Where(s => !s.External && !s.UsedOverridden).Select(s => s.Subgraph).Distinct();
    }
}

public sealed class TypeDef(string name, TypeKind kind)
{
    public string Name { get; } = name;
    public TypeKind Kind { get; } = kind;
    public bool Inaccessible { get; set; }
    public bool IsAbstract => Kind is TypeKind.Interface or TypeKind.Union;
    public bool IsLeaf => Kind is TypeKind.Enum or TypeKind.Scalar;

    /// <summary>Subgraphs that define this type (<c>@join__type</c>), in supergraph order.</summary>
    public List<string> Subgraphs { get; } = [];
    public Dictionary<string, List<KeyDef>> Keys { get; } = new();
    public HashSet<string> InterfaceObjectIn { get; } = new();
    public Dictionary<string, FieldDef> Fields { get; } = new();

    /// <summary>API-level interfaces of an object or interface type.</summary>
    public List<string> Interfaces { get; } = [];
    /// <summary>Per subgraph: interfaces this type implements there (<c>@join__implements</c>).</summary>
    public Dictionary<string, HashSet<string>> ImplementsIn { get; } = new();
    /// <summary>API-level members of a union.</summary>
    public List<string> UnionMembers { get; } = [];
    /// <summary>Per subgraph: union members known there (<c>@join__unionMember</c>).</summary>
    public Dictionary<string, HashSet<string>> MembersIn { get; } = new();

    /// <summary>The values of an enum clients may see (not @inaccessible); null for other kinds.</summary>
    public HashSet<string>? EnumValues { get; set; }

    /// <summary>Object types a value of this type may have at run time (API level).</summary>
    public List<string> PossibleTypes { get; } = [];

    public bool IsEntity => Keys.Count > 0;

    public IEnumerable<KeyDef> ResolvableKeysIn(string subgraph) =>
        Keys.TryGetValue(subgraph, out var keys) ? keys.Where(k => k.Resolvable) : [];
}

/// <summary>
/// What the gateway knows of a supergraph: its subgraphs, where every type and field
/// lives, the entity keys, and the API schema clients see.
/// </summary>
public sealed class SupergraphModel
{
    public required IReadOnlyList<SubgraphInfo> Subgraphs { get; init; }
    public required IReadOnlyDictionary<string, TypeDef> Types { get; init; }
    public required string QueryType { get; init; }
    public string? MutationType { get; init; }
    public required ISchema ApiSchema { get; init; }
    public required string ApiSdl { get; init; }
    /// <summary>The supergraph text this model was built from.</summary>
    public required string Source { get; init; }

    /// <summary>Every progressive override label in the supergraph, ordinal order.</summary>
    public IReadOnlyCollection<string> OverrideLabels { get; init; } = [];

    /// <summary>The labels active in this view of the supergraph: fields follow their overrides only for these.</summary>
    public IReadOnlySet<string> ActiveOverrideLabels { get; init; } = new HashSet<string>();

    /// <summary>
    /// This supergraph as planned while <paramref name="active"/> are the active override labels
    /// (read again from its text), with the same subgraph URLs.
    /// </summary>
    public SupergraphModel WithActiveOverrideLabels(IReadOnlySet<string> active)
    {
        if (active.SetEquals(ActiveOverrideLabels))
            return this;
        return SupergraphParser.Parse(Source, active).WithSubgraphUrls(s => Subgraph(s.Name).Url);
    }

    public SubgraphInfo Subgraph(string name)
    {
        foreach (var subgraph in Subgraphs)
            if (subgraph.Name == name)
                return subgraph;
        throw new InvalidOperationException($"Unknown subgraph '{name}'.");
    }

    /// <summary>This supergraph with some subgraphs' URLs replaced (configuration wins over the composed URLs).</summary>
    public SupergraphModel WithSubgraphUrls(Func<SubgraphInfo, string?> overrideUrl) => new()
    {
        Subgraphs = Subgraphs.Select(s => overrideUrl(s) is { } url ? s with { Url = url } : s).ToList(),
        Types = Types,
        QueryType = QueryType,
        MutationType = MutationType,
        ApiSchema = ApiSchema,
        ApiSdl = ApiSdl,
        Source = Source,
        OverrideLabels = OverrideLabels,
        ActiveOverrideLabels = ActiveOverrideLabels,
    };

    public TypeDef Type(string name) =>
        Types.TryGetValue(name, out var type) ? type : throw new InvalidOperationException($"Unknown type '{name}'.");

    public bool IsPossibleType(string abstractOrObject, string objectType)
    {
        if (abstractOrObject == objectType)
            return true;
        return Types.TryGetValue(abstractOrObject, out var type) && type.PossibleTypes.Contains(objectType);
    }

    /// <summary>Whether <paramref name="subgraph"/> can return <paramref name="objectType"/> where <paramref name="abstractType"/> is expected.</summary>
    public bool IsPossibleTypeIn(string subgraph, string abstractType, string objectType)
    {
        if (abstractType == objectType)
            return true;
        var type = Type(abstractType);
        var obj = Type(objectType);
        if (!obj.Subgraphs.Contains(subgraph))
            return false;
        return type.Kind switch
        {
            TypeKind.Union => type.MembersIn.TryGetValue(subgraph, out var members) && members.Contains(objectType),
            TypeKind.Interface => obj.ImplementsIn.TryGetValue(subgraph, out var interfaces) && interfaces.Contains(abstractType),
            _ => false,
        };
    }
}
