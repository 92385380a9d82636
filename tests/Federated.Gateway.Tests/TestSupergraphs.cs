using Federated.Gateway.Operations;
using Federated.Gateway.Planning;
using Federated.Gateway.Supergraph;
using GraphQLParser;
using GraphQLParser.AST;

namespace Federated.Gateway.Tests;

/// <summary>Small supergraphs written in the tests, in the form the composer prints.</summary>
public static class TestSupergraphs
{
    public const string Header = """
        schema @link(url: "https://specs.apollo.dev/link/v1.0") @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) { query: Query mutation: Mutation }
        directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
        directive @join__graph(name: String!, url: String!) on ENUM_VALUE
        directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, external: Boolean, override: String, usedOverridden: Boolean) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
        directive @join__implements(graph: join__Graph!, interface: String!) repeatable on OBJECT | INTERFACE
        directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
        directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
        directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]) repeatable on SCHEMA
        directive @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION
        scalar join__FieldSet
        scalar link__Import
        enum link__Purpose { SECURITY EXECUTION }

        """;

    /// <summary>A supergraph of the named subgraphs (each at http://name/graphql) and the given types.</summary>
    public static SupergraphModel Build(string types, params string[] subgraphs)
    {
        var graphs = string.Join("\n", subgraphs.Select(s => $"  {s.ToUpperInvariant()} @join__graph(name: \"{s}\", url: \"http://{s}/graphql\")"));
        var sdl = Header + "enum join__Graph {\n" + graphs + "\n}\n" + types;
        if (!types.Contains("type Mutation", StringComparison.Ordinal))
            sdl = sdl.Replace(" mutation: Mutation", "", StringComparison.Ordinal);
        return SupergraphParser.Parse(sdl);
    }

    public static string RepoFile(string relative)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Federated.sln")))
            dir = dir.Parent;
        return Path.Combine(dir?.FullName ?? throw new InvalidOperationException("Federated.sln not found."), relative);
    }

    private static readonly Lazy<SupergraphModel> ProjectModel = new(() =>
        SupergraphParser.Parse(File.ReadAllText(RepoFile("schema/supergraph.graphql"))).WithSubgraphUrls(s => $"http://{s.Name}/graphql"));

    /// <summary>The project's own supergraph, its subgraphs at http://name/graphql.</summary>
    public static SupergraphModel Project() => ProjectModel.Value;

    public static NormalizedOperation Normalize(SupergraphModel model, string query, IReadOnlyDictionary<string, bool>? conditions = null)
    {
        var document = Parser.Parse(query);
        var operation = document.Definitions.OfType<GraphQLOperationDefinition>().First();
        return OperationNormalizer.Normalize(model, document, operation, name => conditions?.GetValueOrDefault(name) ?? false);
    }

    public static QueryPlan Plan(SupergraphModel model, string query, IReadOnlyDictionary<string, bool>? conditions = null) =>
        new QueryPlanner(model).Plan(Normalize(model, query, conditions));
}
