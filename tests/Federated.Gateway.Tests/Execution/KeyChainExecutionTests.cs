using Federated.Gateway.Tests.Planning;

namespace Federated.Gateway.Tests.Execution;

public class KeyChainExecutionTests
{
    [Fact]
    public async Task KeyFromAThirdSubgraph_IsMergedBeforeTheJumpThatNeedsIt()
    {
        var subgraphs = new FakeSubgraphs()
            .On("b", _ => """{"data":{"topProduct":{"__typename":"Product","id":"p1"}}}""")
            .On("a", _ => """{"data":{"_entities":[{"upc":"U1"}]}}""")
            .On("c", _ => """{"data":{"_entities":[{"inStock":true}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Shop.Model.Value), "{ topProduct { inStock } }");
        Assert.Equal("""{"data":{"topProduct":{"inStock":true}}}""", json);
        Assert.Equal("""[{"__typename":"Product","upc":"U1"}]""",
            subgraphs.Requests.Single(r => r.Subgraph == "c").Body["variables"]!["representations"]!.ToJsonString());
    }
}
