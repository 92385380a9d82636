using Federated.Gateway.Tests.Planning;

namespace Federated.Gateway.Tests.Execution;

public class AbstractTypeExecutionTests
{
    [Fact]
    public async Task Union_MergesMemberFieldsFromAnotherSubgraph_ForThatMemberOnly()
    {
        var subgraphs = new FakeSubgraphs()
            .On("a", _ => """
                {"data":{"search":[{"__typename":"Book","title":"Dune","id":"b1"},{"__typename":"Movie","title":"Alien","minutes":117}]}}
                """)
            .On("b", _ => """{"data":{"_entities":[{"pages":412}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Library.Model.Value),
            "{ search { __typename ... on Book { title pages } ... on Movie { title minutes } } }");
        Assert.Equal(FakeSubgraphs.Compact("""
            {"data":{"search":[{"__typename":"Book","title":"Dune","pages":412},{"__typename":"Movie","title":"Alien","minutes":117}]}}
            """), json);
        var b = subgraphs.Requests.Single(r => r.Subgraph == "b");
        Assert.Equal("""[{"__typename":"Book","id":"b1"}]""", b.Body["variables"]!["representations"]!.ToJsonString());
    }

    [Fact]
    public async Task ObjectOfAnInaccessibleType_IsNull()
    {
        var model = TestSupergraphs.Build("""
            type Query @join__type(graph: A) { nodes: [Node] @join__field(graph: A) }
            interface Node @join__type(graph: A) { id: ID! }
            type Page implements Node @join__implements(graph: A, interface: "Node") @join__type(graph: A) { id: ID! }
            type Draft implements Node @join__implements(graph: A, interface: "Node") @join__type(graph: A) @inaccessible { id: ID! }
            """, "a");
        var subgraphs = new FakeSubgraphs()
            .On("a", _ => """{"data":{"nodes":[{"__typename":"Page","id":"p1"},{"__typename":"Draft","id":"d1"}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(model), "{ nodes { __typename id } }");
        Assert.Equal("""{"data":{"nodes":[{"__typename":"Page","id":"p1"},null]}}""", json);
    }

    [Fact]
    public async Task InterfaceObject_KeepsTheConcreteTypename()
    {
        var subgraphs = new FakeSubgraphs()
            .On("a", _ => """{"data":{"media":[{"__typename":"Book","title":"Dune","id":"b1"}]}}""")
            .On("b", _ => """{"data":{"_entities":[{"__typename":"Media","rating":5}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Library.Model.Value), "{ media { __typename title rating } }");
        Assert.Equal("""{"data":{"media":[{"__typename":"Book","title":"Dune","rating":5}]}}""", json);
        Assert.Equal("""[{"__typename":"Media","id":"b1"}]""",
            subgraphs.Requests.Single(r => r.Subgraph == "b").Body["variables"]!["representations"]!.ToJsonString());
    }

    [Fact]
    public async Task InterfaceObject_AsTheOrigin_GetsTheConcreteTypeFromTheInterfacesOwner()
    {
        var subgraphs = new FakeSubgraphs()
            .On("b", _ => """{"data":{"topRated":[{"__typename":"Media","rating":5,"id":"b1"},{"__typename":"Media","rating":4,"id":"m1"}]}}""")
            .On("a", body =>
            {
                Assert.Equal("query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Media { __typename ... on Book { title } } } }", body["query"]!.GetValue<string>());
                return """{"data":{"_entities":[{"__typename":"Book","title":"Dune"},{"__typename":"Movie"}]}}""";
            });
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Library.Model.Value), "{ topRated { __typename rating ... on Book { title } } }");
        Assert.Equal("""{"data":{"topRated":[{"__typename":"Book","rating":5,"title":"Dune"},{"__typename":"Movie","rating":4}]}}""", json);
        Assert.Equal("""[{"__typename":"Media","id":"b1"},{"__typename":"Media","id":"m1"}]""",
            subgraphs.Requests.Single(r => r.Subgraph == "a").Body["variables"]!["representations"]!.ToJsonString());
    }

    [Fact]
    public async Task InterfaceObject_AsTheOrigin_InterfaceFieldsFromTheOwner()
    {
        var subgraphs = new FakeSubgraphs()
            .On("b", _ => """{"data":{"topRated":[{"__typename":"Media","rating":5,"id":"b1"}]}}""")
            .On("a", _ => """{"data":{"_entities":[{"title":"Dune"}]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Library.Model.Value), "{ topRated { rating title } }");
        Assert.Equal("""{"data":{"topRated":[{"rating":5,"title":"Dune"}]}}""", json);
    }
}
