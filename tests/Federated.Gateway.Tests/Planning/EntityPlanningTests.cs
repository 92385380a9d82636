using Federated.Gateway.Planning;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

public class EntityPlanningTests(ITestOutputHelper output)
{
    private QueryPlan Plan(string query, IReadOnlyDictionary<string, bool>? conditions = null)
    {
        var plan = TestSupergraphs.Plan(Shop.Model.Value, query, conditions);
        output.WriteLine(plan.ToString());
        return plan;
    }

    [Fact]
    public void RootFields_OfDifferentSubgraphs_RunInParallel()
    {
        var plan = Plan("{ products { name } me { email } }");
        var parallel = Assert.IsType<ParallelNode>(plan.Root);
        Assert.Equal(["a", "b"], parallel.Nodes.Cast<FetchNode>().Select(f => f.Subgraph));
    }

    [Fact]
    public void SharedRootField_JoinsAFetchAlreadyNeeded()
    {
        var plan = Plan("{ products { name } shared(id: 1) { name } }");
        var fetch = Assert.IsType<FetchNode>(plan.Root);
        Assert.Equal("a", fetch.Subgraph);
        Assert.Equal("query { products { name } shared(id: 1) { name } }", fetch.Query);
    }

    [Fact]
    public void SharedRootField_GoesWhereItsSelectionNeedsNoJump()
    {
        var plan = Plan("{ shared(id: 1) { name } }");
        Assert.Equal("a", Assert.IsType<FetchNode>(plan.Root).Subgraph);
    }

    [Fact]
    public void Requires_FetchesTheRequiredFieldFirst_AndSendsItInTheRepresentation()
    {
        var plan = Plan("{ products { name shippingEstimate } }");
        var fetches = plan.Fetches().ToList();
        Assert.Equal(["a", "b"], fetches.Select(f => f.Subgraph));
        Assert.Equal("query { products { name __typename id weight } }", fetches[0].Query);
        var shape = Assert.Single(fetches[1].Representations!);
        Assert.Equal("{ id weight }", SelectionPrinter.Print(shape.Fields));
    }

    [Fact]
    public void Requires_WhenTheRequiredFieldLivesElsewhere_WaitsForThatFetch()
    {
        var plan = Plan("{ topProduct { shippingEstimate } }");
        var fetches = plan.Fetches().ToList();
        Assert.Equal(["b", "a", "b"], fetches.Select(f => f.Subgraph));
        Assert.Contains("... on Product { weight }", fetches[1].Query);
        Assert.Contains("... on Product { shippingEstimate }", fetches[2].Query);
        var sequence = Assert.IsType<SequenceNode>(plan.Root);
        Assert.Equal(3, sequence.Nodes.Count);
    }

    [Fact]
    public void SeveralKeys_TheJumpUsesAKeyTheTargetResolves()
    {
        var plan = Plan("{ products { inStock } }");
        var fetches = plan.Fetches().ToList();
        Assert.Equal("query { products { __typename upc } }", fetches[0].Query);
        Assert.Equal("{ upc }", SelectionPrinter.Print(Assert.Single(fetches[1].Representations!).Fields));
    }

    [Fact]
    public void OneEntityFetchPerSubgraphAndPath()
    {
        var plan = Plan("{ products { inStock reviews { body } } }");
        Assert.Equal(2, plan.Fetches().Count());
    }

    [Fact]
    public void Provides_KeepsAProvidedExternalFieldInTheProvidingSubgraph()
    {
        Assert.Single(Plan("{ reviews { author { name } } }").Fetches());
        Assert.Equal(["c", "b"], Plan("{ reviews { author { name email } } }").Fetches().Select(f => f.Subgraph));
    }

    [Fact]
    public void External_IsNotResolvedWhereItIsExternal()
    {
        var fetches = Plan("{ topProduct { weight } }").Fetches().ToList();
        Assert.Equal(["b", "a"], fetches.Select(f => f.Subgraph));
    }

    [Fact]
    public void Override_TheOverridingSubgraphResolvesTheField()
    {
        var fetches = Plan("{ topProduct { price } }").Fetches().ToList();
        Assert.Equal(["b", "a"], fetches.Select(f => f.Subgraph));
    }

    [Fact]
    public void Aliases_SameFieldWithDifferentArguments_AreSentUnderTheirAliases()
    {
        var fetch = Assert.IsType<FetchNode>(Plan("{ one: shared(id: 1) { name } two: shared(id: 2) { name } }").Root);
        Assert.Equal("query { one: shared(id: 1) { name } two: shared(id: 2) { name } }", fetch.Query);
    }

    [Fact]
    public void Variables_EachFetchDeclaresOnlyWhatItUses()
    {
        var plan = Plan("query($a: ID!, $b: ID!) { shared(id: $a) { name } me { email } }");
        var fetches = plan.Fetches().ToList();
        Assert.Equal(["a"], fetches[0].Variables);
        Assert.StartsWith("query($a: ID!)", fetches[0].Query);
        Assert.Empty(fetches[1].Variables);
    }

    [Fact]
    public void SkipAndInclude_AreAppliedBeforePlanning()
    {
        const string query = "query($withReviews: Boolean!) { products { name reviews @include(if: $withReviews) { body } } }";
        Assert.Single(Plan(query, new Dictionary<string, bool> { ["withReviews"] = false }).Fetches());
        Assert.Equal(2, Plan(query, new Dictionary<string, bool> { ["withReviews"] = true }).Fetches().Count());
        Assert.Single(Plan("{ products { name inStock @skip(if: true) } }").Fetches());
    }

    [Fact]
    public void Fragments_NamedAndInline_ArePlannedLikeFields()
    {
        var plan = Plan("""
            { products { ...Card ... on Product { inStock } } }
            fragment Card on Product { name reviews { body } }
            """);
        var fetches = plan.Fetches().ToList();
        Assert.Equal("query { products { name __typename upc } }", fetches[0].Query);
        Assert.Contains("... on Product { reviews { body } inStock }", fetches[1].Query);
    }

    [Fact]
    public void Mutations_RunInOrder_OneFetchPerRunOfTheSameSubgraph()
    {
        var plan = Plan("""
            mutation { a: addProduct(name: "x") { id } b: removeProduct(id: 1) c: renameUser(name: "y") { id } d: addProduct(name: "z") { id } }
            """);
        var sequence = Assert.IsType<SequenceNode>(plan.Root);
        Assert.Equal(["a", "b", "a"], sequence.Nodes.Cast<FetchNode>().Select(f => f.Subgraph));
        Assert.StartsWith("mutation { a: addProduct", ((FetchNode)sequence.Nodes[0]).Query);
    }

    [Fact]
    public void Typename_OnlyRootTypenameNeedsNoFetch()
    {
        Assert.Null(Plan("{ __typename }").Root);
        Assert.Contains("t: __typename", Assert.IsType<FetchNode>(Plan("{ products { t: __typename } }").Root).Query);
    }

    [Fact]
    public void Inaccessible_FieldsAreNotInTheApiSchema()
    {
        Assert.DoesNotContain("secret", Shop.Model.Value.ApiSdl);
        Assert.Contains("shippingEstimate", Shop.Model.Value.ApiSdl);
        Assert.DoesNotContain("join__", Shop.Model.Value.ApiSdl);
    }

    [Fact]
    public void KeyTheOriginCannotProvide_IsFetchedFromAThirdSubgraphFirst()
    {
        var plan = Plan("{ topProduct { inStock } }");
        var fetches = plan.Fetches().ToList();
        Assert.Equal(["b", "a", "c"], fetches.Select(f => f.Subgraph));
        Assert.Contains("... on Product { upc }", fetches[1].Query);
        Assert.Equal("{ upc }", SelectionPrinter.Print(Assert.Single(fetches[2].Representations!).Fields));
        Assert.Equal(3, Assert.IsType<SequenceNode>(plan.Root).Nodes.Count);
    }
}
