using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// Progressive @override (federation 2.7), in the form @theguild/federation-composition prints
/// it: the overriding side carries <c>override</c> and <c>overrideLabel</c>, the side it comes
/// from carries the label on object types and nothing on root fields.
/// </summary>
public class ProgressiveOverrideTests
{
    private const string Types = """
        type Query @join__type(graph: A) @join__type(graph: B) {
          products: [Product!]! @join__field(graph: A)
          topName: String @join__field(graph: A) @join__field(graph: B, override: "a", overrideLabel: "percent(30)")
        }

        type Product @join__type(graph: A, key: "upc") @join__type(graph: B, key: "upc") {
          upc: String!
          name: String! @join__field(graph: A, overrideLabel: "beta") @join__field(graph: B, override: "a", overrideLabel: "beta")
          price: Int! @join__field(graph: A, overrideLabel: "percent(70)") @join__field(graph: B, override: "a", overrideLabel: "percent(70)")
        }
        """;

    private static readonly Lazy<SupergraphModel> Model = new(() => TestSupergraphs.Build(Types, "a", "b"));

    private static FakeSubgraphs Subgraphs() => new FakeSubgraphs()
        .On("a", body =>
        {
            var query = body["query"]!.GetValue<string>();
            var fields = new List<string>();
            if (query.Contains("topName", StringComparison.Ordinal))
                fields.Add("\"topName\":\"top from a\"");
            if (query.Contains("products", StringComparison.Ordinal))
                fields.Add("""
                    "products":[{"upc":"1","name":"Kettle from a","price":10,"__typename":"Product"}]
                    """);
            return "{\"data\":{" + string.Join(",", fields) + "}}";
        })
        .On("b", body =>
        {
            var query = body["query"]!.GetValue<string>();
            if (!query.Contains("_entities", StringComparison.Ordinal))
                return """{"data":{"topName":"top from b"}}""";
            var fields = new List<string>();
            if (query.Contains("name", StringComparison.Ordinal))
                fields.Add("\"name\":\"Kettle from b\"");
            if (query.Contains("price", StringComparison.Ordinal))
                fields.Add("\"price\":20");
            return "{\"data\":{\"_entities\":[{" + string.Join(",", fields) + "}]}}";
        });

    [Fact]
    public void TheSupergraphsLabels_AreRead_AndNoneIsActiveByDefault()
    {
        var model = Model.Value;
        Assert.Equal(["beta", "percent(30)", "percent(70)"], model.OverrideLabels);
        Assert.Empty(model.ActiveOverrideLabels);
        Assert.Equal(["a"], model.Type("Product").Fields["price"].ResolvingSubgraphs());
        Assert.Equal(["a"], model.Type("Query").Fields["topName"].ResolvingSubgraphs());
    }

    [Fact]
    public void AnActiveLabel_MovesItsFieldsToTheOverridingSubgraph_OnlyThose()
    {
        var configured = Model.Value.WithSubgraphUrls(s => $"http://elsewhere-{s.Name}/graphql");
        var model = configured.WithActiveOverrideLabels(new HashSet<string> { "percent(70)", "percent(30)" });
        Assert.Equal(["b"], model.Type("Product").Fields["price"].ResolvingSubgraphs());
        Assert.Equal(["b"], model.Type("Query").Fields["topName"].ResolvingSubgraphs());
        Assert.Equal(["a"], model.Type("Product").Fields["name"].ResolvingSubgraphs());
        Assert.False(model.Type("Product").Fields["price"].ResolvableIn("a"));
        Assert.Equal(["http://elsewhere-a/graphql", "http://elsewhere-b/graphql"], model.Subgraphs.Select(s => s.Url));
    }

    [Theory]
    [InlineData(0.0, new[] { "percent(30)", "percent(70)" })]
    [InlineData(0.2999, new[] { "percent(30)", "percent(70)" })]
    [InlineData(0.3, new[] { "percent(70)" })]
    [InlineData(0.5, new[] { "percent(70)" })]
    [InlineData(0.7, new string[0])]
    [InlineData(0.9999, new string[0])]
    public void APercentLabel_IsActive_WhenTheDrawIsBelowIt(double draw, string[] active)
    {
        var labels = new ProgressiveOverride(Model.Value.OverrideLabels, new HashSet<string>(), draw);
        Assert.Equal(active, labels.Variants[labels.Choose()].Order(StringComparer.Ordinal));
    }

    [Fact]
    public void PercentZero_IsNeverActive_PercentHundredAlways_NamedLabelsWhenTurnedOn()
    {
        string[] labels = ["percent(0)", "percent(100)", "beta", "gamma"];
        foreach (var draw in new[] { 0.0, 0.5, 0.999999 })
        {
            var chooser = new ProgressiveOverride(labels, new HashSet<string> { "beta" }, draw);
            Assert.Equal(["beta", "percent(100)"], chooser.Variants[chooser.Choose()].Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("percent(101)")]
    [InlineData("percent(-1)")]
    [InlineData("percent(ten)")]
    [InlineData("percent(10")]
    public void ABadPercentLabel_RefusesTheSupergraph(string label)
    {
        var ex = Assert.Throws<SupergraphException>(() => TestSupergraphs.Build(Types.Replace("percent(30)", label, StringComparison.Ordinal), "a", "b"));
        Assert.Contains(label, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.1, "top from b", "Kettle from a", 20)]
    [InlineData(0.5, "top from a", "Kettle from a", 20)]
    [InlineData(0.8, "top from a", "Kettle from a", 10)]
    public async Task Requests_AreServedByTheSubgraphTheirDrawChooses(double draw, string top, string name, int price)
    {
        var subgraphs = Subgraphs();
        var executor = Executor(subgraphs, draw);
        Assert.Equal($$$"""{"data":{"topName":"{{{top}}}","products":[{"name":"{{{name}}}","price":{{{price}}}}]}}""",
            await FakeSubgraphs.RunAsync(executor, "{ topName products { name price } }"));
        Assert.Equal(price == 20 ? ["a", "b"] : ["a"], subgraphs.Requests.Select(r => r.Subgraph).Distinct().Order());
    }

    [Fact]
    public async Task ANamedLabel_IsActive_WhenTheGatewayTurnsItOn()
    {
        var subgraphs = Subgraphs();
        var executor = subgraphs.Executor(Model.Value, overrideLabels: new HashSet<string> { "beta" }, overrideDraw: 0.9);
        Assert.Equal("""{"data":{"products":[{"name":"Kettle from b","price":10}]}}""", await FakeSubgraphs.RunAsync(executor, "{ products { name price } }"));
    }

    [Fact]
    public async Task RandomDraws_SplitRequestsByThePercentage()
    {
        var subgraphs = Subgraphs();
        var executor = Executor(subgraphs, draw: null);
        const int requests = 400;
        var fromB = 0;
        for (var i = 0; i < requests; i++)
            fromB += (await FakeSubgraphs.RunAsync(executor, "{ topName }")).Contains("from b", StringComparison.Ordinal) ? 1 : 0;
        // percent(30): 120 expected; the bounds are more than six standard deviations (9.2) away.
        Assert.InRange(fromB, 60, 180);
    }

    private static Federated.Gateway.Execution.GatewayExecutor Executor(FakeSubgraphs subgraphs, double? draw) =>
        subgraphs.Executor(Model.Value, overrideDraw: draw);
}
