using Federated.Gateway.Planning;

namespace Federated.Gateway.Tests.Planning;

public class PlanCacheTests
{
    [Fact]
    public void BoundedCache_KeepsAtMostItsCapacity_AndKeepsRecentEntries()
    {
        var cache = new BoundedCache<int, string>(10);
        for (var i = 0; i < 1000; i++)
            cache.GetOrAdd(i, k => k.ToString());
        Assert.True(cache.Count <= 10);
        var calls = 0;
        cache.GetOrAdd(999, k => { calls++; return k.ToString(); });
        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task SameDocumentAndOperation_IsPlannedOnce_PerSkipIncludeCombination()
    {
        var subgraphs = new FakeSubgraphs()
            .On("catalog", _ => """{"data":{"product":{"name":"Kettle","__typename":"Product","id":"p1"}}}""")
            .On("reviews", _ => """{"data":{"_entities":[{"rating":{"average":4.5}}]}}""");
        var executor = subgraphs.Executor(TestSupergraphs.Project());
        const string query = "query($id: ID!, $r: Boolean!) { product(id: $id) { name rating @include(if: $r) { average } } }";

        Assert.Equal("""{"data":{"product":{"name":"Kettle","rating":{"average":4.5}}}}""", await FakeSubgraphs.RunAsync(executor, query, """{"id":"p1","r":true}"""));
        Assert.Equal("""{"data":{"product":{"name":"Kettle"}}}""", await FakeSubgraphs.RunAsync(executor, query, """{"id":"p1","r":false}"""));
        Assert.Equal("""{"data":{"product":{"name":"Kettle","rating":{"average":4.5}}}}""", await FakeSubgraphs.RunAsync(executor, query, """{"id":"p2","r":true}"""));
        Assert.Equal(["catalog", "reviews", "catalog", "catalog", "reviews"], subgraphs.Requests.Select(r => r.Subgraph));
    }

    [Fact]
    public async Task VariablesOfTheWrongType_AreRefusedEvenWhenTheDocumentIsCached()
    {
        var subgraphs = new FakeSubgraphs().On("catalog", _ => """{"data":{"product":{"name":"Kettle"}}}""");
        var executor = subgraphs.Executor(TestSupergraphs.Project());
        const string query = "query($id: ID!) { product(id: $id) { name } }";
        Assert.Contains("Kettle", await FakeSubgraphs.RunAsync(executor, query, """{"id":"p1"}"""));
        var refused = await FakeSubgraphs.RunAsync(executor, query, """{"id":{"no":1}}""");
        Assert.Contains("BAD_USER_INPUT", refused);
        Assert.Single(subgraphs.Requests);
    }
}
