namespace Federated.Gateway.Tests.EndToEnd;

public class EndToEndTests
{
    private static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model =
        new(() => TestSupergraphs.Build(InProcessSubgraphs.Supergraph, "catalog", "reviews"));

    private static async Task<string> RunAsync(string query, string? variables = null)
    {
        var subgraphs = new InProcessSubgraphs();
        var executor = new Federated.Gateway.Execution.GatewayExecutor(Model.Value,
            new Federated.Gateway.Execution.PlanExecutor(new Federated.Gateway.Execution.SubgraphClient(new HttpMessageInvoker(subgraphs), TimeSpan.FromSeconds(10)),
                Microsoft.Extensions.Logging.Abstractions.NullLogger<Federated.Gateway.Execution.PlanExecutor>.Instance));
        return await FakeSubgraphs.RunAsync(executor, query, variables);
    }

    [Fact]
    public async Task EntityJump_IntoARealGraphQLNetSubgraph()
    {
        Assert.Equal("""{"data":{"product":{"name":"Kettle","reviews":[{"body":"Boils fast","stars":5},{"body":"Loud","stars":3}]}}}""",
            await RunAsync("query($id: ID!) { product(id: $id) { name reviews { body stars } } }", """{"id":"1"}"""));
    }

    [Fact]
    public async Task ListsBothWays_WithDeduplicatedRepresentations()
    {
        Assert.Equal(
            """{"data":{"latestReviews":[{"stars":5,"product":{"name":"Kettle"}},{"stars":3,"product":{"name":"Kettle"}},{"stars":1,"product":{"name":"Toaster"}}]}}""",
            await RunAsync("{ latestReviews { stars product { name } } }"));
    }

    [Fact]
    public async Task AliasesFragmentsAndTypename_ThroughRealSubgraphs()
    {
        Assert.Equal(
            """{"data":{"first":{"__typename":"Product","title":"Kettle","count":[{"s":5},{"s":3}]},"second":null}}""",
            await RunAsync("""
                { first: product(id: "1") { __typename ...P } second: product(id: "9") { ...P } }
                fragment P on Product { title: name count: reviews { s: stars } }
                """));
    }
}
