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

    [Fact]
    public void DeepNestedQuery_StaysInASubgraphWhileItCan_OneFetchPerJump()
    {
        var model = TestSupergraphs.Project();
        var plan = TestSupergraphs.Plan(model, """
            { products(first: 5) { nodes { name reviews(first: 3) { nodes { product { name reviews(first: 2) { nodes { title } } } } } } } }
            """);
        output.WriteLine(plan.ToString());
        var fetches = plan.Fetches().ToList();
        // The reviews subgraph answers the nested product's reviews itself: only its name needs catalog.
        Assert.Equal(["catalog", "reviews", "catalog"], fetches.Select(f => f.Subgraph));
        Assert.Equal(["products", "nodes", "@", "reviews", "nodes", "@", "product"], fetches[2].MergePath);
        Assert.Equal("query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Product { name } } }", fetches[2].Query);
    }

    [Fact]
    public void Mutation_FollowedByEntityFields_FetchesThemAfterTheMutation()
    {
        var model = TestSupergraphs.Project();
        var plan = TestSupergraphs.Plan(model, """
            mutation { createProduct(input: { name: "n", description: "d", brand: "b", categoryId: "c", variants: [] }) { product { name rating { average } } } }
            """);
        output.WriteLine(plan.ToString());
        Assert.Equal(["catalog", "reviews"], plan.Fetches().Select(f => f.Subgraph));
        Assert.StartsWith("mutation {", plan.Fetches().First().Query);
        Assert.StartsWith("query(", plan.Fetches().Last().Query);
    }
}
