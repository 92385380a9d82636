namespace Federated.Gateway.Tests.Execution;

/// <summary>
/// One response key over fields of different types in the subgraph (Member.id is ID! there, Guest.id
/// ID): GraphQL rejects them in one selection, so they travel under aliases and come back under the key.
/// </summary>
public class FieldShapeConflictTests
{
    private static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model = new(() => TestSupergraphs.Build("""
        type Query @join__type(graph: A) @join__type(graph: B) {
          visitors: [Visitor!]! @join__field(graph: B)
          members: [Member!]! @join__field(graph: A)
        }
        union Visitor @join__type(graph: B) @join__unionMember(graph: B, member: "Member") @join__unionMember(graph: B, member: "Guest") = Member | Guest
        type Member @join__type(graph: A) @join__type(graph: B, key: "id") {
          id: ID @join__field(graph: A, type: "ID") @join__field(graph: B, type: "ID!")
          name: String @join__field(graph: B)
          friends: [Visitor!]! @join__field(graph: B)
        }
        type Guest @join__type(graph: B) {
          id: ID
          name: String
        }
        """, "a", "b"));

    [Fact]
    public async Task FieldsOfDifferentTypesUnderOneKey_TravelUnderAliases_AndAnswerUnderTheKey()
    {
        var subgraphs = new FakeSubgraphs().On("b", body =>
        {
            Assert.Equal(
                "query { visitors { __typename ... on Member { __fed_as_IDN__id: id friends { __typename ... on Member { __fed_as_IDN__id: id } ... on Guest { __fed_as_ID__id: id } } } ... on Guest { __fed_as_ID__id: id } } }",
                body["query"]!.GetValue<string>());
            return """
                {"data":{"visitors":[
                  {"__typename":"Member","__fed_as_IDN__id":"m1","friends":[{"__typename":"Guest","__fed_as_ID__id":"g1"}]},
                  {"__typename":"Guest","__fed_as_ID__id":"g1"}]}}
                """;
        });
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value),
            "{ visitors { ... on Member { id friends { ... on Member { id } ... on Guest { id } } } ... on Guest { id } } }");
        Assert.Equal("""{"data":{"visitors":[{"id":"m1","friends":[{"id":"g1"}]},{"id":"g1"}]}}""", json);
    }

    [Fact]
    public async Task FieldsOfOneTypeUnderOneKey_KeepTheirNames()
    {
        var subgraphs = new FakeSubgraphs().On("b", body =>
        {
            Assert.Equal("query { visitors { __typename ... on Member { name } ... on Guest { name } } }", body["query"]!.GetValue<string>());
            return """{"data":{"visitors":[{"__typename":"Member","name":"Ann"}]}}""";
        });
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), "{ visitors { ... on Member { name } ... on Guest { name } } }");
        Assert.Equal("""{"data":{"visitors":[{"name":"Ann"}]}}""", json);
    }

    [Fact]
    public async Task FieldsOfDifferentObjectTypesUnderOneKey_KeepTheirNames()
    {
        // GraphQL compares only wrappers and leaf types: Item.similar (Item) and Tool.similar (Tool) go together.
        var model = TestSupergraphs.Build("""
            type Query @join__type(graph: A) { item: Item @join__field(graph: A) }
            type Tool implements Item @join__implements(graph: A, interface: "Item") @join__type(graph: A) { id: ID! similar: Tool }
            interface Item @join__type(graph: A) { similar: Item }
            """, "a");
        var subgraphs = new FakeSubgraphs().On("a", body =>
        {
            Assert.Equal("query { item { __typename similar { __typename } ... on Tool { similar { id } } } }", body["query"]!.GetValue<string>());
            return """{"data":{"item":{"__typename":"Tool","similar":{"__typename":"Tool","id":"t2"}}}}""";
        });
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(model), "{ item { similar { __typename } ... on Tool { similar { id } } } }");
        Assert.Equal("""{"data":{"item":{"similar":{"__typename":"Tool","id":"t2"}}}}""", json);
    }
}
