using Federated.Gateway.Planning;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// Unions whose members differ per subgraph, a value type (Viewer) shared by two subgraphs
/// with fields only one of them has, and fields typed differently per subgraph (join__field type:).
/// </summary>
public class SharedValueTypeTests(ITestOutputHelper output)
{
    private const string Types = """
        type Query @join__type(graph: A) @join__type(graph: B) {
          media: Media @join__field(graph: A) @join__field(graph: B)
          aMedia: Media @join__field(graph: A)
          bMedia: Media @join__field(graph: B)
          viewer: Viewer @join__field(graph: A) @join__field(graph: B)
        }
        union Media @join__type(graph: A) @join__type(graph: B) @join__unionMember(graph: A, member: "Book") @join__unionMember(graph: A, member: "Song") @join__unionMember(graph: B, member: "Book") @join__unionMember(graph: B, member: "Movie") = Book | Song | Movie
        union ViewerMedia @join__type(graph: A) @join__type(graph: B) @join__unionMember(graph: A, member: "Book") @join__unionMember(graph: A, member: "Song") @join__unionMember(graph: B, member: "Book") @join__unionMember(graph: B, member: "Movie") = Book | Song | Movie
        type Book @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") {
          id: ID!
          title: String!
          aTitle: String! @join__field(graph: A)
          bTitle: String! @join__field(graph: B)
        }
        type Song @join__type(graph: A, key: "id") {
          id: ID!
          title: String!
          aTitle: String!
        }
        type Movie @join__type(graph: B, key: "id") {
          id: ID!
          title: String!
          bTitle: String!
        }
        type Viewer @join__type(graph: A) @join__type(graph: B) {
          media: ViewerMedia
          aMedia: ViewerMedia @join__field(graph: A)
          bMedia: ViewerMedia @join__field(graph: B)
          book: ViewerMedia @join__field(graph: A, type: "Book") @join__field(graph: B, type: "ViewerMedia")
          song: ViewerMedia @join__field(graph: A)
        }
        """;

    private static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model = new(() => TestSupergraphs.Build(Types, "a", "b"));

    [Fact]
    public void ValueTypeFieldsFromTwoSubgraphs_FetchThePathFromBoth()
    {
        var plan = TestSupergraphs.Plan(Model.Value, "{ viewer { aMedia { ... on Movie { title } } bMedia { ... on Movie { title bTitle } } } }");
        output.WriteLine(plan.ToString());
        var parallel = Assert.IsType<ParallelNode>(plan.Root);
        var fetches = parallel.Nodes.Cast<FetchNode>().OrderBy(f => f.Subgraph).ToList();
        Assert.Equal("query { viewer { aMedia { __typename } } }", fetches[0].Query);
        Assert.Equal("query { viewer { bMedia { __typename ... on Movie { title bTitle } } } }", fetches[1].Query);
    }

    [Fact]
    public async Task ValueTypeFieldsFromTwoSubgraphs_AreMergedIntoOneObject()
    {
        var subgraphs = new FakeSubgraphs()
            .On("a", _ => """{"data":{"viewer":{"aMedia":{"__typename":"Book"}}}}""")
            .On("b", _ => """{"data":{"viewer":{"bMedia":{"__typename":"Movie","title":"M","bTitle":"BM"}}}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), "{ viewer { aMedia { ... on Movie { title } } bMedia { ... on Movie { title bTitle } } } }");
        Assert.Equal("""{"data":{"viewer":{"aMedia":{},"bMedia":{"title":"M","bTitle":"BM"}}}}""", json);
    }

    [Fact]
    public void FieldTypedAsAnObjectInItsSubgraph_GetsOnlyThatObjectsFragment()
    {
        var plan = TestSupergraphs.Plan(Model.Value, "{ viewer { book { __typename ... on Song { title } ... on Movie { title } ... on Book { title aTitle } } } }");
        output.WriteLine(plan.ToString());
        Assert.Equal("query { viewer { book { __typename title aTitle } } }", Assert.IsType<FetchNode>(plan.Root).Query);
    }

    [Fact]
    public void UnionMembersUnknownToTheSubgraph_AreLeftOut()
    {
        var plan = TestSupergraphs.Plan(Model.Value, "{ aMedia { ... on Movie { title } ... on Book { title bTitle } } }");
        output.WriteLine(plan.ToString());
        var fetches = plan.Fetches().ToList();
        Assert.Equal("query { aMedia { __typename ... on Book { title __typename id } } }", fetches[0].Query);
        Assert.Contains("... on Book { bTitle }", fetches[1].Query);
    }
}
