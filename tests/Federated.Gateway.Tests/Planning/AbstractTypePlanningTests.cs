using Federated.Gateway.Planning;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

public class AbstractTypePlanningTests(ITestOutputHelper output)
{
    private QueryPlan Plan(string query)
    {
        var plan = TestSupergraphs.Plan(Library.Model.Value, query);
        output.WriteLine(plan.ToString());
        return plan;
    }

    [Fact]
    public void Union_MemberFieldsFromAnotherSubgraph_JumpOnlyForThatMember()
    {
        var fetches = Plan("{ search { ... on Book { title pages } ... on Movie { title minutes } } }").Fetches().ToList();
        Assert.Equal("query { search { __typename ... on Book { title __typename id } ... on Movie { title minutes } } }", fetches[0].Query);
        Assert.Equal(["search", "@"], fetches[1].MergePath);
        Assert.Equal("Book", Assert.Single(fetches[1].Representations!).TypeName);
        Assert.Contains("... on Book { pages }", fetches[1].Query);
    }

    [Fact]
    public void Interface_FieldsEverySubgraphResolves_StayInOneFetch()
    {
        var fetch = Assert.IsType<FetchNode>(Plan("{ nodes { id } }").Root);
        Assert.Equal("query { nodes { __typename id } }", fetch.Query);
    }

    [Fact]
    public void Interface_FragmentOnAnImplementation_JumpsForIt()
    {
        var fetches = Plan("{ nodes { id ... on Book { pages } } }").Fetches().ToList();
        Assert.Equal(["a", "b"], fetches.Select(f => f.Subgraph));
    }

    [Fact]
    public void InterfaceObject_IsReachedWithTheInterfacesName()
    {
        var fetches = Plan("{ media { title rating } }").Fetches().ToList();
        Assert.Equal(["a", "b"], fetches.Select(f => f.Subgraph));
        var shape = Assert.Single(fetches[1].Representations!);
        Assert.Equal("Media", shape.TypenameOverride);
        Assert.Contains("... on Media { rating }", fetches[1].Query);
    }

    [Fact]
    public void InterfaceObject_FieldSelectedOnAnImplementation_GoesThroughTheInterface()
    {
        var fetches = Plan("{ media { ... on Movie { rating } } }").Fetches().ToList();
        Assert.Equal(["a", "b"], fetches.Select(f => f.Subgraph));
        Assert.Equal("Media", Assert.Single(fetches[1].Representations!).TypenameOverride);
    }

    [Fact]
    public void InterfaceWithoutObjectsInTheSubgraph_FieldOnlyBehindAKeyNoOneResolves_FailsToPlan()
    {
        var model = TestSupergraphs.Build("""
            type Query @join__type(graph: A) @join__type(graph: B) { node: Node @join__field(graph: A) }
            interface Node @join__type(graph: A, key: "id") @join__type(graph: B, key: "id", resolvable: false, isInterfaceObject: true) {
              id: ID!
              label: String @join__field(graph: B)
            }
            """, "a", "b");

        var error = Assert.Throws<PlanningException>(() => TestSupergraphs.Plan(model, "{ node { label } }"));
        Assert.Contains("Node.label", error.Message);
    }
}
