namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// A three-subgraph supergraph for planner tests: several keys, @requires, @provides,
/// @external, @override, shared root fields and mutations.
/// </summary>
public static class Shop
{
    public const string Types = """
        type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
          products: [Product!]! @join__field(graph: A)
          topProduct: Product @join__field(graph: B)
          shared(id: ID!): Product @join__field(graph: A) @join__field(graph: B)
          reviews: [Review!]! @join__field(graph: C)
          me: User @join__field(graph: B)
        }

        type Mutation @join__type(graph: A) @join__type(graph: B) {
          addProduct(name: String!): Product! @join__field(graph: A)
          renameUser(name: String!): User @join__field(graph: B)
          removeProduct(id: ID!): Boolean @join__field(graph: A)
        }

        type Product @join__type(graph: A, key: "id") @join__type(graph: A, key: "upc") @join__type(graph: B, key: "id") @join__type(graph: C, key: "upc") {
          id: ID! @join__field(graph: A) @join__field(graph: B)
          upc: String! @join__field(graph: A) @join__field(graph: C)
          name: String! @join__field(graph: A)
          weight: Int @join__field(graph: A) @join__field(graph: B, external: true)
          shippingEstimate: Int @join__field(graph: B, requires: "weight")
          price: Int @join__field(graph: A, override: "b")
          reviews: [Review!]! @join__field(graph: C)
          inStock: Boolean @join__field(graph: C)
          secret: String @inaccessible @join__field(graph: A)
        }

        type Review @join__type(graph: C) {
          body: String!
          author: User! @join__field(graph: C, provides: "name")
          product: Product!
        }

        type User @join__type(graph: B, key: "id") @join__type(graph: C, key: "id") {
          id: ID!
          name: String! @join__field(graph: B) @join__field(graph: C, external: true)
          email: String @join__field(graph: B)
        }
        """;

    public static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model = new(() => TestSupergraphs.Build(Types, "a", "b", "c"));
}
