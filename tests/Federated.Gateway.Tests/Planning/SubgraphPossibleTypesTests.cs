using Federated.Gateway.Planning;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// A subgraph answers only the object types it knows under an abstract type: costs and
/// fragments are planned for those, not for the API's possible types.
/// </summary>
public class SubgraphPossibleTypesTests(ITestOutputHelper output)
{
    private QueryPlan Plan(string types, string query, params string[] subgraphs)
    {
        var plan = TestSupergraphs.Plan(TestSupergraphs.Build(types, subgraphs), query);
        output.WriteLine(plan.ToString());
        return plan;
    }

    [Fact]
    public void SharedField_StaysWhereItIs_WhenTheOtherSubgraphOnlyAddsMembersThisOneNeverReturns()
    {
        // Both resolve Shelf.items; only b has Poster, so "... on Poster" costs nothing in a.
        var plan = Plan("""
            type Query @join__type(graph: A) @join__type(graph: B) { shelf: Shelf @join__field(graph: A) }
            type Shelf @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") { id: ID! items: [Item!]! }
            union Item @join__type(graph: A) @join__type(graph: B) @join__unionMember(graph: A, member: "Mug") @join__unionMember(graph: B, member: "Mug") @join__unionMember(graph: B, member: "Poster") = Mug | Poster
            type Mug @join__type(graph: A) @join__type(graph: B) { size: Int }
            type Poster @join__type(graph: B) { width: Int }
            """, "{ shelf { items { __typename ... on Poster { width } } } }", "a", "b");

        var fetch = Assert.IsType<FetchNode>(plan.Root);
        Assert.Equal("query { shelf { items { __typename } } }", fetch.Query);
    }

    [Fact]
    public void SharedRootField_GoesWhereTheImplementationsFieldsAreProvided()
    {
        // a resolves Crate.toys itself but none of the toys' fields; b provides their ids and names.
        var plan = Plan("""
            type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
              box: Box @join__field(graph: A) @join__field(graph: B, provides: "toys { id name }")
            }
            interface Box @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
              id: ID!
              toys: [Toy] @join__field(graph: B) @join__field(graph: C)
            }
            interface Toy @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
              id: ID!
              name: String @join__field(graph: B) @join__field(graph: C)
            }
            type Crate implements Box @join__implements(graph: A, interface: "Box") @join__implements(graph: B, interface: "Box") @join__implements(graph: C, interface: "Box")
              @join__type(graph: A, key: "id") @join__type(graph: B) @join__type(graph: C, key: "id") {
              id: ID!
              toys: [Toy] @join__field(graph: A) @join__field(graph: B, external: true) @join__field(graph: C)
            }
            type Ball implements Toy @join__implements(graph: A, interface: "Toy") @join__implements(graph: B, interface: "Toy") @join__implements(graph: C, interface: "Toy")
              @join__type(graph: A, key: "id") @join__type(graph: B) @join__type(graph: C, key: "id") {
              id: ID! @join__field(graph: A, external: true) @join__field(graph: B, external: true) @join__field(graph: C)
              name: String @join__field(graph: B, external: true) @join__field(graph: C)
              bounce: Int @join__field(graph: C)
            }
            """, "{ box { id toys { id name ... on Ball { bounce } } } }", "a", "b", "c");

        var fetches = plan.Fetches().ToList();
        Assert.Equal(["b", "c"], fetches.Select(f => f.Subgraph));
        Assert.Contains("toys { __typename ... on Ball { id name __typename } }", fetches[0].Query);
    }

    [Fact]
    public void FragmentOnAnInterface_ThatAMemberImplementsOnlyInAnotherSubgraph_IsSentPerObjectType()
    {
        var plan = Plan("""
            type Query @join__type(graph: A) @join__type(graph: B) { things: [Thing] @join__field(graph: A) }
            union Thing @join__type(graph: A) @join__unionMember(graph: A, member: "Kettle") @join__unionMember(graph: A, member: "Toaster") = Kettle | Toaster
            interface Node @join__type(graph: A) @join__type(graph: B) { id: ID! }
            type Kettle implements Node @join__implements(graph: B, interface: "Node") @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") { id: ID! }
            type Toaster implements Node @join__implements(graph: A, interface: "Node") @join__type(graph: A, key: "id") { id: ID! }
            """, "{ things { ... on Node { id } } }", "a", "b");

        var fetch = Assert.IsType<FetchNode>(plan.Root);
        Assert.Equal("query { things { __typename ... on Kettle { id } ... on Toaster { id } } }", fetch.Query);
    }

    private const string Shelves = """
        type Query @join__type(graph: A) @join__type(graph: B) {
          shelfA: Shelf @join__field(graph: A)
          shelfB: Shelf @join__field(graph: B)
        }
        type Shelf @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
          id: ID!
          items: [Item!]!
          posters: [Item!]! @join__field(graph: B)
        }
        union Item @join__type(graph: A) @join__type(graph: B) @join__unionMember(graph: A, member: "Mug") @join__unionMember(graph: B, member: "Mug") @join__unionMember(graph: A, member: "Plate") @join__unionMember(graph: B, member: "Poster") = Mug | Plate | Poster
        type Mug @join__type(graph: A) @join__type(graph: B) { size: Int }
        type Plate @join__type(graph: A) { width: Int }
        type Poster @join__type(graph: B) { height: Int }
        """;

    [Fact]
    public void UnionUnderAFieldOtherSubgraphsCouldResolveToo_AsksOnlyForTheMembersAllOfThemHave()
    {
        // b could answer shelfA's items as well (Shelf has a key there): only Mug is a member in both.
        var fetch = Assert.IsType<FetchNode>(Plan(Shelves, "{ shelfA { items { __typename ... on Mug { size } ... on Plate { width } } } }", "a", "b").Root);
        Assert.Equal("query { shelfA { items { __typename ... on Mug { size } } } }", fetch.Query);
    }

    [Fact]
    public void UnionUnderAFieldOnlyOneSubgraphResolves_AsksForItsMembers()
    {
        var fetches = Plan(Shelves, "{ shelfA { posters { __typename ... on Mug { size } ... on Poster { height } } } }", "a", "b").Fetches().ToList();
        Assert.Equal(["a", "b"], fetches.Select(f => f.Subgraph));
        Assert.Contains("posters { __typename ... on Mug { size } ... on Poster { height } }", fetches[1].Query);
    }
}
