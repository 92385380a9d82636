namespace Federated.Gateway.Tests.Execution;

/// <summary>Two @requires of one field with different arguments: each representation carries its own value.</summary>
public class RequiresWithArgumentsTests
{
    private const string Types = """
        type Query @join__type(graph: A) @join__type(graph: B) {
          products: [Product] @join__field(graph: B)
        }
        type Product @join__type(graph: A, key: "upc") @join__type(graph: B, key: "upc") {
          upc: String!
          name: String @join__field(graph: B)
          price(currency: String!): Int @join__field(graph: A, external: true) @join__field(graph: B)
          weight: Int @join__field(graph: A, external: true) @join__field(graph: B)
          shippingEstimate: Int @join__field(graph: A, requires: "price(currency: \"USD\") weight")
          shippingEstimateEUR: Int @join__field(graph: A, requires: "price(currency: \"EUR\") weight")
        }
        """;

    private static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model = new(() => TestSupergraphs.Build(Types, "a", "b"));

    [Fact]
    public async Task SameRequiredFieldWithOtherArguments_TravelsUnderItsOwnAlias()
    {
        var subgraphs = new FakeSubgraphs()
            .On("b", body =>
            {
                Assert.Equal("query { products { upc name __typename price(currency: \"USD\") weight __fed_price_1: price(currency: \"EUR\") } }", body["query"]!.GetValue<string>());
                return """{"data":{"products":[{"upc":"p1","name":"n1","__typename":"Product","price":10,"weight":2,"__fed_price_1":9}]}}""";
            })
            .On("a", body => body["query"]!.GetValue<string>().Contains("shippingEstimateEUR")
                ? """{"data":{"_entities":[{"shippingEstimateEUR":180}]}}"""
                : """{"data":{"_entities":[{"shippingEstimate":200}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), "{ products { upc name shippingEstimate shippingEstimateEUR } }");
        Assert.Equal("""{"data":{"products":[{"upc":"p1","name":"n1","shippingEstimate":200,"shippingEstimateEUR":180}]}}""", json);
        var representations = subgraphs.Requests.Where(r => r.Subgraph == "a")
            .Select(r => r.Body["variables"]!["representations"]!.ToJsonString()).OrderBy(r => r).ToList();
        Assert.Equal(
            [
                """[{"__typename":"Product","upc":"p1","price":10,"weight":2}]""",
                """[{"__typename":"Product","upc":"p1","price":9,"weight":2}]""",
            ], representations);
    }

    [Fact]
    public async Task ClientFieldWithOtherArguments_KeepsItsName_TheRequiredOneIsAliased()
    {
        var subgraphs = new FakeSubgraphs()
            .On("b", body =>
            {
                Assert.Equal("query { products { price(currency: \"GBP\") __typename upc __fed_price: price(currency: \"USD\") weight } }", body["query"]!.GetValue<string>());
                return """{"data":{"products":[{"price":8,"__typename":"Product","upc":"p1","__fed_price":10,"weight":2}]}}""";
            })
            .On("a", _ => """{"data":{"_entities":[{"shippingEstimate":200}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), "{ products { price(currency: \"GBP\") shippingEstimate } }");
        Assert.Equal("""{"data":{"products":[{"price":8,"shippingEstimate":200}]}}""", json);
        Assert.Equal("""[{"__typename":"Product","upc":"p1","price":10,"weight":2}]""",
            subgraphs.Requests.Single(r => r.Subgraph == "a").Body["variables"]!["representations"]!.ToJsonString());
    }
}
