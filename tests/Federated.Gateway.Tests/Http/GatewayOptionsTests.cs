using Federated.Gateway.Http;
using Microsoft.Extensions.Configuration;

namespace Federated.Gateway.Tests.Http;

public class GatewayOptionsTests
{
    private static GatewayOptions Options(Dictionary<string, string?> settings) =>
        GatewayOptions.FromConfiguration(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), AppContext.BaseDirectory);

    [Fact]
    public void SubgraphSettings_ComeFromTheReferenceGatewaysEnvironmentNames()
    {
        var options = Options(new()
        {
            ["FEDERATED_SUPERGRAPH"] = "/tmp/s.graphql",
            ["FEDERATED_GATEWAY_PORT"] = "4100",
            ["FEDERATED_SUBGRAPH_URL_CATALOG"] = "http://10.0.0.1/graphql",
            ["FEDERATED_SUBGRAPH_URL_ORDER_HISTORY"] = "http://orders/graphql",
            ["FEDERATED_GATEWAY_SUBGRAPH_TIMEOUT_MS"] = "3000",
            ["FEDERATED_SUBGRAPH_TIMEOUT_MS_REVIEWS"] = "500",
        });
        Assert.Equal("/tmp/s.graphql", options.SupergraphPath);
        Assert.Equal(4100, options.Port);
        Assert.Equal("http://10.0.0.1/graphql", options.SubgraphUrl("catalog"));
        Assert.Equal("http://orders/graphql", options.SubgraphUrl("order-history"));
        Assert.Null(options.SubgraphUrl("users"));
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.TimeoutFor("reviews"));
        Assert.Equal(TimeSpan.FromSeconds(3), options.TimeoutFor("catalog"));
    }

    [Fact]
    public void ProgressiveOverrideSettings_ComeFromTheEnvironment_ABadDrawIsIgnored()
    {
        var options = Options(new() { ["FEDERATED_GATEWAY_OVERRIDE_LABELS"] = "beta, new-checkout,", ["PROGRESSIVE_OVERRIDE_RNG"] = "0.25" });
        Assert.Equal(["beta", "new-checkout"], options.OverrideLabels.Order(StringComparer.Ordinal));
        Assert.Equal(0.25, options.OverrideDraw);
        var defaults = Options(new() { ["PROGRESSIVE_OVERRIDE_RNG"] = "1.5" });
        Assert.Empty(defaults.OverrideLabels);
        Assert.Null(defaults.OverrideDraw);
    }

    [Fact]
    public void TheDefaultSupergraph_IsTheRepositorysOwn()
    {
        Assert.Equal(TestSupergraphs.RepoFile("schema/supergraph.graphql"), Options([]).SupergraphPath);
    }

    [Fact]
    public void TheOperationCostLimit_ComesFromTheEnvironment_ZeroTurnsItOff_ABadValueKeepsTheDefault()
    {
        Assert.Equal(Operations.OperationCost.DefaultLimit, Options(new()).MaxOperationCost);
        Assert.Equal(1000, Options(new() { ["FEDERATED_GATEWAY_MAX_COST"] = "1000" }).MaxOperationCost);
        Assert.Equal(0, Options(new() { ["Gateway:MaxOperationCost"] = "0" }).MaxOperationCost);
        Assert.Equal(Operations.OperationCost.DefaultLimit, Options(new() { ["FEDERATED_GATEWAY_MAX_COST"] = "-5" }).MaxOperationCost);
    }
}
