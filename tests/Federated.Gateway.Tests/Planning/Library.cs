namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// A two-subgraph supergraph of interfaces and unions: members in different subgraphs, an
/// entity interface that subgraph b extends as an @interfaceObject.
/// </summary>
public static class Library
{
    public const string Types = """
        type Query @join__type(graph: A) @join__type(graph: B) {
          search: [SearchResult!]! @join__field(graph: A)
          nodes: [Node!]! @join__field(graph: A)
          media: [Media!]! @join__field(graph: A)
          topRated: [Media!]! @join__field(graph: B)
        }

        interface Node @join__type(graph: A) @join__type(graph: B) {
          id: ID!
        }

        union SearchResult @join__type(graph: A) @join__unionMember(graph: A, member: "Book") @join__unionMember(graph: A, member: "Movie") = Book | Movie

        interface Media @join__type(graph: A, key: "id") @join__type(graph: B, key: "id", isInterfaceObject: true) {
          id: ID!
          title: String! @join__field(graph: A)
          rating: Int @join__field(graph: B)
        }

        type Book implements Node & Media @join__implements(graph: A, interface: "Node") @join__implements(graph: A, interface: "Media") @join__implements(graph: B, interface: "Node") @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
          id: ID!
          title: String! @join__field(graph: A)
          pages: Int @join__field(graph: B)
          rating: Int @join__field
        }

        type Movie implements Node & Media @join__implements(graph: A, interface: "Node") @join__implements(graph: A, interface: "Media") @join__type(graph: A, key: "id") {
          id: ID!
          title: String!
          minutes: Int
          rating: Int @join__field
        }
        """;

    public static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model = new(() => TestSupergraphs.Build(Types, "a", "b"));
}
