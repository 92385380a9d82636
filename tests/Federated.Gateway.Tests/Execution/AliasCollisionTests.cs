using Federated.Gateway.Tests.Planning;

namespace Federated.Gateway.Tests.Execution;

/// <summary>A client alias that takes the name of a key or required field must not feed the wrong value into a representation.</summary>
public class AliasCollisionTests
{
    [Fact]
    public async Task KeyField_NameTakenByAnAlias_IsFetchedUnderAnInternalAlias()
    {
        var subgraphs = new FakeSubgraphs()
            .On("a", body =>
            {
                Assert.Equal("query { products { upc: name __typename __fed_upc: upc } }", body["query"]!.GetValue<string>());
                return """{"data":{"products":[{"upc":"Kettle","__typename":"Product","__fed_upc":"U1"}]}}""";
            })
            .On("c", _ => """{"data":{"_entities":[{"inStock":true}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Shop.Model.Value), "{ products { upc: name inStock } }");
        Assert.Equal("""{"data":{"products":[{"upc":"Kettle","inStock":true}]}}""", json);
        Assert.Equal("""[{"__typename":"Product","upc":"U1"}]""",
            subgraphs.Requests.Single(r => r.Subgraph == "c").Body["variables"]!["representations"]!.ToJsonString());
    }

    [Fact]
    public async Task RequiredField_NameTakenByAnAlias_IsFetchedUnderAnInternalAlias()
    {
        var subgraphs = new FakeSubgraphs()
            .On("a", _ => """{"data":{"products":[{"weight":"Kettle","__typename":"Product","id":"p1","__fed_weight":7}]}}""")
            .On("b", _ => """{"data":{"_entities":[{"shippingEstimate":3}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Shop.Model.Value), "{ products { weight: name shippingEstimate } }");
        Assert.Equal("""{"data":{"products":[{"weight":"Kettle","shippingEstimate":3}]}}""", json);
        Assert.Contains("__fed_weight: weight", subgraphs.Requests.Single(r => r.Subgraph == "a").Body["query"]!.GetValue<string>());
        Assert.Equal("""[{"__typename":"Product","id":"p1","weight":7}]""",
            subgraphs.Requests.Single(r => r.Subgraph == "b").Body["variables"]!["representations"]!.ToJsonString());
    }
}
