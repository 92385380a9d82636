using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

/// <summary>An @interfaceObject subgraph with a field that @requires a field of the interface's owner.</summary>
public class InterfaceObjectRequiresTests(ITestOutputHelper output)
{
    private const string Types = """
        type Query @join__type(graph: A) @join__type(graph: B) {
          users: [NodeWithName!]! @join__field(graph: A)
          anotherUsers: [NodeWithName] @join__field(graph: B)
        }
        interface NodeWithName @join__type(graph: A, key: "id") @join__type(graph: B, key: "id", isInterfaceObject: true) {
          id: ID!
          name: String @join__field(graph: A) @join__field(graph: B, external: true)
          username: String @join__field(graph: B, requires: "name")
        }
        type User implements NodeWithName @join__implements(graph: A, interface: "NodeWithName") @join__type(graph: A, key: "id") {
          id: ID!
          name: String
          age: Int
          username: String @join__field
        }
        """;

    private static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model = new(() => TestSupergraphs.Build(Types, "a", "b"));

    [Fact]
    public void FromTheInterfaceObject_TheRequiredFieldComesFromTheOwnerFirst()
    {
        var plan = TestSupergraphs.Plan(Model.Value, "{ anotherUsers { id name username } }");
        output.WriteLine(plan.ToString());
        Assert.Equal(["b", "a", "b"], plan.Fetches().Select(f => f.Subgraph));
        var last = plan.Fetches().Last();
        Assert.Equal("NodeWithName", Assert.Single(last.Representations!).TypenameOverride);
        Assert.Contains("... on NodeWithName { username }", last.Query);
    }

    [Fact]
    public async Task FromTheOwner_UsernameIsResolvedThroughTheInterfaceObject()
    {
        var subgraphs = new FakeSubgraphs()
            .On("a", _ => """{"data":{"users":[{"__typename":"User","age":11,"id":"u1","name":"u1-name"}]}}""")
            .On("b", body =>
            {
                Assert.Equal("""[{"__typename":"NodeWithName","id":"u1","name":"u1-name"}]""", body["variables"]!["representations"]!.ToJsonString());
                return """{"data":{"_entities":[{"username":"u1-username"}]}}""";
            });
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), "{ users { ... on User { age id name username } id name } }");
        Assert.Equal("""{"data":{"users":[{"age":11,"id":"u1","name":"u1-name","username":"u1-username"}]}}""", json);
    }

    [Fact]
    public async Task FromTheInterfaceObject_FragmentsOnImplementationsAndRequires()
    {
        var subgraphs = new FakeSubgraphs()
            .On("b", body => body["query"]!.GetValue<string>().Contains("anotherUsers")
                ? """{"data":{"anotherUsers":[{"__typename":"NodeWithName","id":"u1"}]}}"""
                : """{"data":{"_entities":[{"username":"u1-username"}]}}""")
            .On("a", _ => """{"data":{"_entities":[{"__typename":"User","age":11,"id":"u1","name":"u1-name"}]}}""");
        var executor = subgraphs.Executor(Model.Value);
        var json = await FakeSubgraphs.RunAsync(executor, "{ anotherUsers { ... on User { age id name username } id name } }");
        foreach (var request in subgraphs.Requests)
            output.WriteLine(request.Subgraph + ": " + request.Body.ToJsonString());
        Assert.Equal("""{"data":{"anotherUsers":[{"age":11,"id":"u1","name":"u1-name","username":"u1-username"}]}}""", json);
    }
}
