using Federated.Gateway.Planning;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

public class ProvidesOnUnionTests(ITestOutputHelper output)
{
    private const string Types = """
        type Query @join__type(graph: A) @join__type(graph: B) @join__type(graph: C) {
          media: [Media] @join__field(graph: A) @join__field(graph: B, provides: "... on Book { title } ... on Movie { title }")
        }
        union Media @join__type(graph: A) @join__type(graph: B) @join__unionMember(graph: A, member: "Book") @join__unionMember(graph: A, member: "Movie") @join__unionMember(graph: B, member: "Book") @join__unionMember(graph: B, member: "Movie") = Book | Movie
        type Book @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") @join__type(graph: C, key: "id") {
          id: ID!
          title: String @join__field(graph: B, external: true) @join__field(graph: C)
        }
        type Movie @join__type(graph: A, key: "id") @join__type(graph: B, key: "id") @join__type(graph: C, key: "id") {
          id: ID!
          title: String @join__field(graph: B, external: true) @join__field(graph: C)
        }
        """;

    [Fact]
    public void SharedRootField_GoesToTheSubgraphThatProvidesTheSelection()
    {
        var model = TestSupergraphs.Build(Types, "a", "b", "c");
        var plan = TestSupergraphs.Plan(model, "{ media { ... on Book { title } ... on Movie { title } } }");
        output.WriteLine(plan.ToString());
        var fetch = Assert.IsType<FetchNode>(plan.Root);
        Assert.Equal("b", fetch.Subgraph);
        Assert.Equal("query { media { __typename ... on Book { title } ... on Movie { title } } }", fetch.Query);
    }

    [Fact]
    public void ProvidesOnOneMember_LeavesTheOtherMembersFieldToItsOwner()
    {
        var model = TestSupergraphs.Build(Types.Replace("provides: \"... on Book { title } ... on Movie { title }\"", "provides: \"... on Book { title }\""), "a", "b", "c");
        var plan = TestSupergraphs.Plan(model, "{ media { ... on Book { title } ... on Movie { title } } }");
        output.WriteLine(plan.ToString());
        var fetches = plan.Fetches().ToList();
        Assert.Equal("c", fetches[^1].Subgraph);
        Assert.Contains("... on Movie { title }", fetches[^1].Query);
        Assert.DoesNotContain("Movie { title", fetches[0].Query);
    }
}
