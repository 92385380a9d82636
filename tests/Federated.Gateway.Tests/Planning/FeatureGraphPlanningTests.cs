using Federated.Gateway.Planning;
using Federated.Gateway.Supergraph;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// Plans over the feature subgraphs' supergraph (tests/Federated.Gateway.FeatureGraphs), for what the
/// differential suite found there: keys reachable only through several subgraphs, and one fetch for the
/// fields that follow an indirect key.
/// </summary>
public class FeatureGraphPlanningTests(ITestOutputHelper output)
{
    private static readonly Lazy<SupergraphModel> Model = new(() =>
        SupergraphParser.Parse(File.ReadAllText(TestSupergraphs.RepoFile("tests/Federated.Gateway.FeatureGraphs/Schema/supergraph.graphql")))
            .WithSubgraphUrls(s => $"http://{s.Name}/graphql"));

    private QueryPlan Plan(string query)
    {
        var plan = TestSupergraphs.Plan(Model.Value, query);
        output.WriteLine(plan.ToString());
        return plan;
    }

    [Fact]
    public void KeyReachableOnlyThroughTwoOtherSubgraphs_IsFetchedHopByHop()
    {
        // reviews knows a seller by handle, accounts maps it to an account number, products to a VAT id,
        // and inventory knows sellers by VAT id only.
        var fetches = Plan("{ reviews { seller { warehouses { city } } } }").Fetches().ToList();

        Assert.Equal(["reviews", "accounts", "products", "inventory"], fetches.Select(f => f.Subgraph));
        Assert.Equal("{ handle }", SelectionPrinter.Print(Assert.Single(fetches[1].Representations!).Fields));
        Assert.Equal("{ accountNo }", SelectionPrinter.Print(Assert.Single(fetches[2].Representations!).Fields));
        Assert.Equal("{ vatId }", SelectionPrinter.Print(Assert.Single(fetches[3].Representations!).Fields));
        Assert.Equal(4, Assert.IsType<SequenceNode>(Plan("{ reviews { seller { warehouses { city } } } }").Root).Nodes.Count);
    }

    [Fact]
    public void FieldsAfterTheSameIndirectKey_ShareOneFetch()
    {
        // reviews knows products by upc, inventory by sku: both fields go through products, then one inventory fetch.
        var fetches = Plan("{ reviews { product { stock inStock } } }").Fetches().ToList();

        Assert.Equal(["reviews", "products", "inventory"], fetches.Select(f => f.Subgraph));
        Assert.Contains("... on Product { stock inStock }", fetches[2].Query);
    }

    [Fact]
    public void IndirectKey_DoesNotLoopBackToTheSubgraphItIsFetchedFor()
    {
        // Inventory's own key field (vatId) is resolvable in inventory: the planner must not reach inventory through inventory.
        var fetches = Plan("{ review(id: \"r2\") { seller { warehouses { manager { name } } } } }").Fetches().ToList();

        Assert.Equal(["reviews", "accounts", "products", "inventory", "accounts"], fetches.Select(f => f.Subgraph));
    }

    [Fact]
    public void RequiresWhoseFieldsComeWithTheParentFetch_JoinsTheOtherEntityFetch()
    {
        // stock and shippingEstimate both go to inventory at products.@; the required price and weight come with
        // the products fetch, so one inventory fetch carries them (two would report a failed entity twice).
        var fetches = Plan("{ products { stock shippingEstimate } }").Fetches().ToList();

        Assert.Equal(["products", "inventory"], fetches.Select(f => f.Subgraph));
        Assert.Equal("{ sku price weight(unit: KILOGRAM) }", SelectionPrinter.Print(Assert.Single(fetches[1].Representations!).Fields));
        Assert.Contains("... on Product { stock shippingEstimate }", fetches[1].Query);
    }

    [Theory]
    [InlineData("{ reviews { product { stock shippingEstimate } } }")]
    [InlineData("{ reviews { product { shippingEstimate stock } } }")]
    public void RequiresAndAnIndirectKeyWaitingForTheSameFetch_ShareOneFetch(string query)
    {
        // reviews -> products (sku, price, weight) -> inventory: the key and the required fields come from the same fetch.
        var fetches = Plan(query).Fetches().ToList();

        Assert.Equal(["reviews", "products", "inventory"], fetches.Select(f => f.Subgraph));
        Assert.Equal("{ sku price weight(unit: KILOGRAM) }", SelectionPrinter.Print(Assert.Single(fetches[2].Representations!).Fields));
    }

    [Theory]
    [InlineData("{ featuredProduct { upc reviews { id } } }", "reviews")]
    [InlineData("{ featuredProduct { name price } }", "products")]
    [InlineData("{ reviews { author { username } } }", "reviews")]
    [InlineData("{ warehouses { products { name inStock } } }", "inventory")]
    public void SharedProvidedAndOverriddenFields_NeedOneFetch(string query, string subgraph)
    {
        Assert.Equal(subgraph, Assert.Single(Plan(query).Fetches()).Subgraph);
    }

    [Fact]
    public void OverriddenField_IsFetchedFromTheOverridingSubgraph()
    {
        var fetches = Plan("{ product(upc: \"p2\") { inStock } }").Fetches().ToList();

        Assert.Equal(["products", "inventory"], fetches.Select(f => f.Subgraph));
        Assert.Equal("{ sku }", SelectionPrinter.Print(Assert.Single(fetches[1].Representations!).Fields));
    }

    [Fact]
    public void NestedKey_IsSentWithItsSubselection()
    {
        var fetches = Plan("{ me { reviews { id } } }").Fetches().ToList();

        Assert.Equal(["accounts", "reviews"], fetches.Select(f => f.Subgraph));
        Assert.Equal("{ id org { id } }", SelectionPrinter.Print(Assert.Single(fetches[1].Representations!).Fields));
    }

    [Fact]
    public void InterfaceObjectField_IsFetchedWithTheInterfaceTypename()
    {
        var fetches = Plan("{ accounts { id reviewCount } }").Fetches().ToList();

        Assert.Equal(["accounts", "reviews"], fetches.Select(f => f.Subgraph));
        var shape = Assert.Single(fetches[1].Representations!);
        Assert.Equal("Account", shape.TypenameOverride);
    }
}
