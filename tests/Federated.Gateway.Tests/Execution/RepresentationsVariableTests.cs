namespace Federated.Gateway.Tests.Execution;

/// <summary>
/// An entity fetch sends its representations in a variable of its own; a client's variable of the
/// same name, used by a field of that fetch, must reach the subgraph as the client's value, beside
/// the representations, not as a second definition of one variable (which the subgraph refuses).
/// </summary>
public class RepresentationsVariableTests
{
    [Fact]
    public async Task AClientVariableNamedRepresentations_UsedInAnEntityFetch_IsForwardedBesideTheEntitiesOwn()
    {
        var subgraphs = new FakeSubgraphs()
            .On("catalog", _ => """{"data":{"product":{"__typename":"Product","id":"p1"}}}""")
            .On("reviews", _ => """{"data":{"_entities":[{"reviews":{"nodes":[{"body":"Good"}]}}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            """query($representations: Int) { product(id: "p1") { reviews(first: $representations) { nodes { body } } } }""", """{"representations":3}""");

        Assert.Equal("""{"data":{"product":{"reviews":{"nodes":[{"body":"Good"}]}}}}""", json);
        var entities = subgraphs.Requests.Single(r => r.Subgraph == "reviews").Body;
        var query = entities["query"]!.GetValue<string>();
        Assert.Contains("$representations_1: [_Any!]!", query);
        Assert.Contains("_entities(representations: $representations_1)", query);
        Assert.Contains("$representations: Int", query);
        Assert.Equal("""[{"__typename":"Product","id":"p1"}]""", entities["variables"]!["representations_1"]!.ToJsonString());
        Assert.Equal("3", entities["variables"]!["representations"]!.ToJsonString());
    }

    [Fact]
    public async Task AnEntityFetch_WithoutSuchAClientVariable_KeepsTheUsualName()
    {
        var subgraphs = new FakeSubgraphs()
            .On("catalog", _ => """{"data":{"product":{"__typename":"Product","id":"p1"}}}""")
            .On("reviews", _ => """{"data":{"_entities":[{"reviews":{"nodes":[{"body":"Good"}]}}]}}""");
        await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            """query($first: Int) { product(id: "p1") { reviews(first: $first) { nodes { body } } } }""", """{"first":3}""");

        var entities = subgraphs.Requests.Single(r => r.Subgraph == "reviews").Body;
        Assert.Contains("_entities(representations: $representations)", entities["query"]!.GetValue<string>());
        Assert.NotNull(entities["variables"]!["representations"]);
    }
}
