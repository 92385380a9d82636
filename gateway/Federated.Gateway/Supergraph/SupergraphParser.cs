using Federated.Gateway.Operations;
using GraphQLParser;
using GraphQLParser.AST;

namespace Federated.Gateway.Supergraph;

/// <summary>
/// Reads a supergraph as composed for Apollo Federation v2 (<c>@link</c>, <c>join__*</c>)
/// into a <see cref="SupergraphModel"/>. Throws <see cref="SupergraphException"/> with a
/// clear message when the text is not a usable supergraph.
/// </summary>
public static class SupergraphParser
{
    /// <param name="activeOverrideLabels">The progressive override labels active in this view of the supergraph (<see cref="ProgressiveOverride"/>); none by default.</param>
    public static SupergraphModel Parse(string sdl, IReadOnlySet<string>? activeOverrideLabels = null)
    {
        GraphQLDocument document;
        try
        {
            document = Parser.Parse(sdl, new ParserOptions { Ignore = IgnoreOptions.Comments });
        }
        catch (Exception ex) when (ex is GraphQLParser.Exceptions.GraphQLSyntaxErrorException)
        {
            throw new SupergraphException($"The supergraph is not valid GraphQL: {ex.Message}");
        }

        var subgraphs = ReadSubgraphs(document);
        var byEnum = subgraphs.ToDictionary(s => s.EnumValue);
        var types = new Dictionary<string, TypeDef>();
        var fieldDirectives = new List<(FieldDef Field, GraphQLDirective Directive)>();
        var keyDirectives = new List<(TypeDef Type, string Subgraph, string Key, bool Resolvable)>();

        foreach (var definition in document.Definitions.OfType<GraphQLTypeDefinition>().Where(d => d is IHasDirectivesNode))
        {
            var name = definition.Name.StringValue;
            if (IsMachinery(name))
                continue;
            var type = new TypeDef(name, KindOf(definition)) { Inaccessible = HasInaccessible(((IHasDirectivesNode)definition).Directives) };
            types[name] = type;
            foreach (var directive in Directives(((IHasDirectivesNode)definition).Directives, "join__type"))
            {
                var graph = Graph(directive, byEnum);
                if (!type.Subgraphs.Contains(graph))
                    type.Subgraphs.Add(graph);
                if (BoolArgument(directive, "isInterfaceObject") == true)
                    type.InterfaceObjectIn.Add(graph);
                if (StringArgument(directive, "key") is { } key)
                    keyDirectives.Add((type, graph, key, BoolArgument(directive, "resolvable") ?? true));
            }
            foreach (var directive in Directives(((IHasDirectivesNode)definition).Directives, "join__implements"))
                Add(type.ImplementsIn, Graph(directive, byEnum), StringArgument(directive, "interface")!);
            foreach (var directive in Directives(((IHasDirectivesNode)definition).Directives, "join__unionMember"))
                Add(type.MembersIn, Graph(directive, byEnum), StringArgument(directive, "member")!);

            switch (definition)
            {
                case GraphQLObjectTypeDefinition obj:
                    ReadFields(type, obj.Fields, obj.Interfaces, fieldDirectives);
                    break;
                case GraphQLInterfaceTypeDefinition iface:
                    ReadFields(type, iface.Fields, iface.Interfaces, fieldDirectives);
                    break;
                case GraphQLUnionTypeDefinition union when union.Types is not null:
                    type.UnionMembers.AddRange(union.Types.Items.Select(t => t.Name.StringValue));
                    break;
                case GraphQLEnumTypeDefinition enumType when enumType.Values is not null:
                    type.EnumValues = enumType.Values.Items.Where(v => !HasInaccessible(v.Directives)).Select(v => v.Name.StringValue).ToHashSet();
                    break;
            }
        }

        // The spec's scalars are not declared in a supergraph, yet every subgraph has them.
        foreach (var scalar in new[] { "String", "Int", "Float", "Boolean", "ID" })
        {
            if (types.ContainsKey(scalar))
                continue;
            var type = new TypeDef(scalar, TypeKind.Scalar);
            type.Subgraphs.AddRange(subgraphs.Select(s => s.Name));
            types[scalar] = type;
        }

        foreach (var type in types.Values)
        {
            if (type.Kind == TypeKind.Object)
                type.PossibleTypes.Add(type.Name);
            else if (type.Kind == TypeKind.Union)
                type.PossibleTypes.AddRange(type.UnionMembers.Where(m => types.TryGetValue(m, out var t) && !t.Inaccessible));
            else if (type.Kind == TypeKind.Interface)
                type.PossibleTypes.AddRange(types.Values.Where(t => t.Kind == TypeKind.Object && !t.Inaccessible && t.Interfaces.Contains(type.Name)).Select(t => t.Name));
        }

        var (queryType, mutationType) = RootTypes(document);
        if (!types.ContainsKey(queryType))
            throw new SupergraphException($"The supergraph has no query type '{queryType}'.");

        var (apiSchema, apiSdl) = ApiSchemaBuilder.Build(document);
        var labels = new SortedSet<string>(StringComparer.Ordinal);
        var model = new SupergraphModel
        {
            Subgraphs = subgraphs,
            Types = types,
            QueryType = queryType,
            MutationType = mutationType is not null && types.ContainsKey(mutationType) ? mutationType : null,
            ApiSchema = apiSchema,
            ApiSdl = apiSdl,
            Source = sdl,
            OverrideLabels = labels,
            ActiveOverrideLabels = activeOverrideLabels ?? EmptyLabels,
        };

        // Field sets refer to fields of any type, so they are read once every type is known.
        foreach (var (type, graph, key, resolvable) in keyDirectives)
        {
            if (!type.Keys.TryGetValue(graph, out var keys))
                type.Keys[graph] = keys = [];
            keys.Add(new KeyDef(graph, key, FieldSetParser.Parse(model, type.Name, key), resolvable));
        }
        foreach (var (field, directive) in fieldDirectives)
        {
            field.HasJoinField = true;
            if (Argument(directive, "graph") is not GraphQLEnumValue graphValue)
                continue;
            var graph = Graph(graphValue, byEnum);
            var requires = StringArgument(directive, "requires");
            var provides = StringArgument(directive, "provides");
            var typeText = StringArgument(directive, "type") is { } text ? new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray()) : null;
            var subgraphType = typeText is not null
                ? new string(typeText.Where(c => c is not ('[' or ']' or '!')).ToArray())
                : null;
            field.Sources.Add(new FieldSource(
                graph,
                requires is null ? null : FieldSetParser.Parse(model, field.Parent.Name, requires),
                provides is null ? null : FieldSetParser.Parse(model, field.NamedType, provides),
                BoolArgument(directive, "external") == true,
                StringArgument(directive, "override"),
                BoolArgument(directive, "usedOverridden") == true,
                subgraphType is not null && subgraphType != field.NamedType && types.ContainsKey(subgraphType) ? subgraphType : null,
                typeText) { OverrideLabel = StringArgument(directive, "overrideLabel") });
        }
        foreach (var field in types.Values.SelectMany(t => t.Fields.Values))
            ApplyOverrideLabels(field, activeOverrideLabels ?? EmptyLabels, labels);
        return model;
    }

    private static readonly HashSet<string> EmptyLabels = [];

    /// <summary>
    /// A progressive override (<c>override</c> with an <c>overrideLabel</c>) holds while its label
    /// is active: the subgraph overridden no longer resolves the field. While the label is not
    /// active the field stays where it came from, as if the overriding subgraph did not define it.
    /// The overridden side's own <c>@join__field</c> may carry the label too (object types) or
    /// not (root fields), so only the overriding side is read.
    /// </summary>
    private static void ApplyOverrideLabels(FieldDef field, IReadOnlySet<string> active, SortedSet<string> labels)
    {
        for (var i = field.Sources.Count - 1; i >= 0; i--)
        {
            var source = field.Sources[i];
            if (source.OverrideLabel is not { } label)
                continue;
            labels.Add(label);
            ProgressiveOverride.Percent(label);
            if (source.Override is not { } from)
                continue;
            if (!active.Contains(label))
            {
                field.Sources.RemoveAt(i);
                continue;
            }
            var overridden = field.Sources.FindIndex(s => string.Equals(s.Subgraph, from, StringComparison.OrdinalIgnoreCase));
            if (overridden >= 0)
                field.Sources[overridden] = field.Sources[overridden] with { UsedOverridden = true };
        }
    }

    private static void ReadFields(TypeDef type, GraphQLFieldsDefinition? fields, GraphQLImplementsInterfaces? interfaces, List<(FieldDef, GraphQLDirective)> fieldDirectives)
    {
        if (interfaces is not null)
            type.Interfaces.AddRange(interfaces.Items.Select(i => i.Name.StringValue));
        if (fields is null)
            return;
        foreach (var fieldDefinition in fields.Items)
        {
            var field = new FieldDef(fieldDefinition.Name.StringValue, fieldDefinition.Type, type)
            {
                Inaccessible = HasInaccessible(fieldDefinition.Directives),
            };
            type.Fields[field.Name] = field;
            foreach (var directive in Directives(fieldDefinition.Directives, "join__field"))
                fieldDirectives.Add((field, directive));
        }
    }

    private static List<SubgraphInfo> ReadSubgraphs(GraphQLDocument document)
    {
        var graphEnum = document.Definitions.OfType<GraphQLEnumTypeDefinition>().FirstOrDefault(e => e.Name.StringValue == "join__Graph")
            ?? throw new SupergraphException("The supergraph has no join__Graph enum: is it a composed Federation v2 supergraph?");
        var result = new List<SubgraphInfo>();
        foreach (var value in graphEnum.Values?.Items ?? [])
        {
            var directive = Directives(value.Directives, "join__graph").FirstOrDefault()
                ?? throw new SupergraphException($"join__Graph.{value.Name.StringValue} has no @join__graph.");
            var name = StringArgument(directive, "name") ?? value.Name.StringValue.ToLowerInvariant();
            var url = StringArgument(directive, "url") ?? "";
            result.Add(new SubgraphInfo(value.Name.StringValue, name, url));
        }
        if (result.Count == 0)
            throw new SupergraphException("The supergraph names no subgraphs.");
        return result;
    }

    private static (string Query, string? Mutation) RootTypes(GraphQLDocument document)
    {
        var schema = document.Definitions.OfType<GraphQLSchemaDefinition>().FirstOrDefault();
        if (schema is null)
            return ("Query", document.Definitions.OfType<GraphQLObjectTypeDefinition>().Any(d => d.Name.StringValue == "Mutation") ? "Mutation" : null);
        string? Root(OperationType operation) =>
            schema.OperationTypes.FirstOrDefault(o => o.Operation == operation)?.Type?.Name.StringValue;
        return (Root(OperationType.Query) ?? "Query", Root(OperationType.Mutation));
    }

    internal static bool IsMachinery(string name) => name.StartsWith("join__", StringComparison.Ordinal) || name.StartsWith("link__", StringComparison.Ordinal);

    internal static bool HasInaccessible(GraphQLDirectives? directives) =>
        directives?.Items.Any(d => d.Name.StringValue is "inaccessible" or "federation__inaccessible") == true;

    private static TypeKind KindOf(GraphQLTypeDefinition definition) => definition switch
    {
        GraphQLObjectTypeDefinition => TypeKind.Object,
        GraphQLInterfaceTypeDefinition => TypeKind.Interface,
        GraphQLUnionTypeDefinition => TypeKind.Union,
        GraphQLEnumTypeDefinition => TypeKind.Enum,
        GraphQLInputObjectTypeDefinition => TypeKind.InputObject,
        _ => TypeKind.Scalar,
    };

    private static void Add(Dictionary<string, HashSet<string>> map, string key, string value)
    {
        if (!map.TryGetValue(key, out var set))
            map[key] = set = [];
        set.Add(value);
    }

    private static IEnumerable<GraphQLDirective> Directives(GraphQLDirectives? directives, string name) =>
        directives?.Items.Where(d => d.Name.StringValue == name) ?? [];

    private static GraphQLValue? Argument(GraphQLDirective directive, string name) =>
        directive.Arguments?.Items.FirstOrDefault(a => a.Name.StringValue == name)?.Value;

    private static string? StringArgument(GraphQLDirective directive, string name) =>
        Argument(directive, name) is GraphQLStringValue s ? s.Value.ToString() : null;

    private static bool? BoolArgument(GraphQLDirective directive, string name) =>
        Argument(directive, name) is GraphQLBooleanValue b ? b.BoolValue : null;

    private static string Graph(GraphQLDirective directive, Dictionary<string, SubgraphInfo> byEnum) =>
        Argument(directive, "graph") is GraphQLEnumValue value
            ? Graph(value, byEnum)
            : throw new SupergraphException($"@{directive.Name.StringValue} without a graph.");

    private static string Graph(GraphQLEnumValue value, Dictionary<string, SubgraphInfo> byEnum) =>
        byEnum.TryGetValue(value.Name.StringValue, out var subgraph)
            ? subgraph.Name
            : throw new SupergraphException($"Unknown join__Graph value {value.Name.StringValue}.");
}

public sealed class SupergraphException(string message) : Exception(message);
