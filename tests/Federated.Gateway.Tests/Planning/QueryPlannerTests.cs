using Federated.Gateway.Planning;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

public class QueryPlannerTests(ITestOutputHelper output)
{
    [Fact]
    public void ProductPage_FetchesCatalogThenReviewsThenUsers()
    {
        var model = TestSupergraphs.Project();
        var plan = TestSupergraphs.Plan(model, """
            query($id: ID!) { product(id: $id) { name rating { average } reviews(first: 3) { nodes { title author { name } } } } }
            """);
        output.WriteLine(plan.ToString());
        var fetches = plan.Fetches().ToList();
        Assert.Equal(["catalog", "reviews", "users"], fetches.Select(f => f.Subgraph));
        Assert.Equal("query($id: ID!) { product(id: $id) { name __typename id } }", fetches[0].Query);
        Assert.Equal("query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { rating { average } reviews(first: 3) { nodes { title author { __typename id } } } } } }", fetches[1].Query);
        Assert.Equal(["product"], fetches[1].MergePath);
        Assert.Equal(["product", "reviews", "nodes", "@", "author"], fetches[2].MergePath);
        Assert.IsType<SequenceNode>(plan.Root);
    }
}
