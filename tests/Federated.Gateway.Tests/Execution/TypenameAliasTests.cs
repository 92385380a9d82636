using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Tests.Execution;

/// <summary>
/// A client may give the response key "__typename" to another field (<c>__typename: upc</c> is a valid
/// alias). The planner's own __typename, which entity jumps and abstract types need, then travels under
/// an internal alias; found by the feature differential suite, where the jump was silently lost.
/// </summary>
public class TypenameAliasTests
{
    private static readonly Lazy<SupergraphModel> Model = new(() =>
        SupergraphParser.Parse(File.ReadAllText(TestSupergraphs.RepoFile("tests/Federated.Gateway.FeatureGraphs/Schema/supergraph.graphql")))
            .WithSubgraphUrls(s => $"http://{s.Name}/graphql"));

    [Fact]
    public async Task ClientAliasNamedTypename_TheEntityJumpStillHappens()
    {
        var subgraphs = new FakeSubgraphs()
            .On("reviews", body =>
            {
                Assert.Contains("__typename: upc", body["query"]!.GetValue<string>());
                Assert.Contains("__fed_typename: __typename", body["query"]!.GetValue<string>());
                return """{"data":{"review":{"product":{"__typename":"p1","__fed_typename":"Product","upc":"p1"}}}}""";
            })
            .On("products", _ => """{"data":{"_entities":[{"sku":"SKU-1"}]}}""")
            .On("inventory", _ => """{"data":{"_entities":[{"stock":5}]}}""");

        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), """{ review(id: "r1") { product { __typename: upc stock } } }""");

        Assert.Equal("""{"data":{"review":{"product":{"__typename":"p1","stock":5}}}}""", json);
        Assert.Equal("""[{"__typename":"Product","upc":"p1"}]""",
            subgraphs.Requests.Single(r => r.Subgraph == "products").Body["variables"]!["representations"]!.ToJsonString());
    }

    [Fact]
    public async Task ClientAliasNamedTypename_OnAnAbstractType_TheTypeIsStillKnown()
    {
        var subgraphs = new FakeSubgraphs()
            .On("accounts", _ => """{"data":{"accounts":[{"__typename":"u1","__fed_typename":"User","name":"Ada"},{"__typename":"a1","__fed_typename":"Admin","level":9}]}}""");

        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value),
            "{ accounts { __typename: id ... on User { name } ... on Admin { level } } }");

        Assert.Equal("""{"data":{"accounts":[{"__typename":"u1","name":"Ada"},{"__typename":"a1","level":9}]}}""", json);
        Assert.Contains("__fed_typename: __typename", subgraphs.Requests.Single().Body["query"]!.GetValue<string>());
    }

    [Fact]
    public async Task ClientAliasNamedLikeThePlannersTypename_IsTheClientsField()
    {
        // No client field takes "__typename" here, so the planner's is plain, and __fed_typename is the client's upc.
        var subgraphs = new FakeSubgraphs()
            .On("reviews", _ => """{"data":{"review":{"product":{"__fed_typename":"p1","__typename":"Product","upc":"p1"}}}}""")
            .On("products", _ => """{"data":{"_entities":[{"sku":"SKU-1"}]}}""")
            .On("inventory", _ => """{"data":{"_entities":[{"stock":5}]}}""");

        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), """{ review(id: "r1") { product { __fed_typename: upc stock } } }""");

        Assert.Equal("""{"data":{"review":{"product":{"__fed_typename":"p1","stock":5}}}}""", json);
    }
}
