using System.Net;
using System.Text.Json.Nodes;
using Federated.Gateway.Execution;

namespace Federated.Gateway.Tests.Execution;

public class GatewayExecutorTests
{
    private const string ProductPage = """
        query($id: ID!) { product(id: $id) { name rating { average } reviews(first: 3) { nodes { title author { name } } } } }
        """;

    private static FakeSubgraphs ProjectSubgraphs() => new FakeSubgraphs()
        .On("catalog", _ => """{"data":{"product":{"name":"Kettle","__typename":"Product","id":"p1"}}}""")
        .On("reviews", _ => """
            {"data":{"_entities":[{"rating":{"average":4.5},"reviews":{"nodes":[
              {"title":"Good","author":{"__typename":"User","id":"u1"}},
              {"title":"Fine","author":{"__typename":"User","id":"u2"}},
              {"title":"Again","author":{"__typename":"User","id":"u1"}}]}}]}}
            """)
        .On("users", body =>
        {
            var count = body["variables"]!["representations"]!.AsArray().Count;
            return count == 2
                ? """{"data":{"_entities":[{"name":"Ann"},{"name":"Bob"}]}}"""
                : """{"errors":[{"message":"expected two representations"}]}""";
        });

    [Fact]
    public async Task ProductPage_MergesThreeSubgraphsInSelectionOrder()
    {
        var subgraphs = ProjectSubgraphs();
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), ProductPage, """{"id":"p1"}""");
        Assert.Equal(FakeSubgraphs.Compact("""
            {"data":{"product":{"name":"Kettle","rating":{"average":4.5},"reviews":{"nodes":[
              {"title":"Good","author":{"name":"Ann"}},
              {"title":"Fine","author":{"name":"Bob"}},
              {"title":"Again","author":{"name":"Ann"}}]}}}}
            """), json);
    }

    [Fact]
    public async Task EntityFetch_SendsEachRepresentationOnce()
    {
        var subgraphs = ProjectSubgraphs();
        await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), ProductPage, """{"id":"p1"}""");
        var users = subgraphs.Requests.Single(r => r.Subgraph == "users");
        Assert.Equal("""[{"__typename":"User","id":"u1"},{"__typename":"User","id":"u2"}]""", users.Body["variables"]!["representations"]!.ToJsonString());
    }

    [Fact]
    public async Task Variables_OnlyThoseAFetchUsesAreForwarded()
    {
        var subgraphs = ProjectSubgraphs();
        await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            "query($id: ID!, $n: Int) { product(id: $id) { name reviews(first: $n) { nodes { title } } } }", """{"id":"p1","n":2}""");
        Assert.Equal("""{"id":"p1"}""", subgraphs.Requests.Single(r => r.Subgraph == "catalog").Body["variables"]!.ToJsonString());
        var reviews = subgraphs.Requests.Single(r => r.Subgraph == "reviews").Body["variables"]!.AsObject();
        Assert.Equal(["representations", "n"], reviews.Select(p => p.Key));
    }

    [Fact]
    public async Task AnOperationAskingTooMuch_IsRefusedBeforeAnySubgraphIsAsked_UnlessTheLimitIsOff()
    {
        // A page of a hundred products, aliased six hundred times: 120,600 values.
        var query = "{ " + string.Join(' ', Enumerable.Range(0, 600).Select(i => $"p{i}: products(first: 100) {{ nodes {{ name }} }}")) + " }";
        var subgraphs = new FakeSubgraphs().On("catalog", _ => """{"data":{}}""");

        var refused = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), query))!;

        Assert.Null(refused["data"]);
        Assert.Equal("COST_ESTIMATED_TOO_EXPENSIVE", refused["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Contains("120,600", refused["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Empty(subgraphs.Requests);
        await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project(), maxCost: 0), query);
        Assert.Single(subgraphs.Requests);
    }

    /// <summary>
    /// Variables that cannot be read (one named twice) are the request's fault: a request error
    /// coded BAD_REQUEST, nothing asked of a subgraph. Before, the reader's exception reached the
    /// endpoint as an internal error and a 500.
    /// </summary>
    [Fact]
    public async Task AVariableNamedTwice_IsARequestError_NotAnInternalOne()
    {
        var subgraphs = new FakeSubgraphs().On("catalog", _ => """{"data":{"product":{"name":"Kettle"}}}""");

        var answer = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            "query($id: ID!) { product(id: $id) { name } }", """{"id":"p1","id":"p2"}"""))!;

        Assert.Null(answer["data"]);
        Assert.Equal("BAD_REQUEST", answer["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.Empty(subgraphs.Requests);
    }

    [Fact]
    public async Task AListSizeInAVariable_IsCountedWithTheRequestsValue()
    {
        const string query = "query($n: Int) { products(first: $n) { nodes { name reviews(first: $n) { nodes { title } } } } }";
        var subgraphs = new FakeSubgraphs().On("catalog", _ => """{"data":{"products":{"nodes":[]}}}""");
        // n = 10: 1 + 10 x (1 + 1 + 1 + 10 x 2) = 231; n = 100: 20,301.
        var executor = subgraphs.Executor(TestSupergraphs.Project(), maxCost: 10_000);

        var small = JsonNode.Parse(await FakeSubgraphs.RunAsync(executor, query, """{"n":10}"""))!;
        var large = JsonNode.Parse(await FakeSubgraphs.RunAsync(executor, query, """{"n":100}"""))!;

        Assert.Null(small["errors"]);
        Assert.Equal("COST_ESTIMATED_TOO_EXPENSIVE", large["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailedSubgraph_GivesPartialDataNullsPropagatedAndAnError()
    {
        var subgraphs = ProjectSubgraphs()
            .On("catalog", _ => """{"data":{"product":{"name":"Kettle"},"again":{"__typename":"Product","id":"p1"}}}""")
            .OnHttp("users", _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)));
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            "query($id: ID!) { product(id: $id) { name } again: product(id: $id) { reviews(first: 3) { nodes { author { name } } } } }", """{"id":"p1"}"""))!;
        // author: User! and name: String! are non-null, so the null climbs to the nullable product field.
        Assert.Equal("""{"product":{"name":"Kettle"},"again":null}""", json["data"]!.ToJsonString());
        Assert.Equal("SUBGRAPH_UNAVAILABLE", json["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task SlowSubgraph_TimesOutWithAnError()
    {
        var subgraphs = ProjectSubgraphs().OnHttp("catalog", async _ =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            return FakeSubgraphs.Json("{}");
        });
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project(), TimeSpan.FromMilliseconds(100)),
            "{ product(id: \"p1\") { name } }"))!;
        Assert.Equal("""{"product":null}""", json["data"]!.ToJsonString());
        Assert.Contains("100 ms", json["errors"]![0]!["message"]!.GetValue<string>());
        Assert.Equal("""["product"]""", json["errors"]![0]!["path"]!.ToJsonString());
        Assert.Single(json["errors"]!.AsArray());
    }

    /// <summary>
    /// A subgraph's answer is read no further than <see cref="SubgraphClient.MaxAnswerBytes"/>:
    /// an answer without end (a subgraph's bug) was read into memory until the fetch's timeout,
    /// gigabytes at loopback speed, for every request that reached it. Now its fetch fails and
    /// the rest of the graph answers; an answer that says its length is refused unread.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASubgraphAnswerWithoutEnd_FailsItsFetch_ReadNoFurtherThanTheLimit(bool saysItsLength)
    {
        EndlessAnswer? answer = null;
        var subgraphs = ProjectSubgraphs().OnHttp("catalog", _ =>
        {
            answer = new EndlessAnswer();
            var content = new StreamContent(answer);
            content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/graphql-response+json");
            if (saysItsLength)
                content.Headers.ContentLength = SubgraphClient.MaxAnswerBytes + 1;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
        });

        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project(), TimeSpan.FromSeconds(30)),
            "{ product(id: \"p1\") { name } }"))!;

        Assert.Equal("""{"product":null}""", json["data"]!.ToJsonString());
        var error = Assert.Single(json["errors"]!.AsArray())!;
        Assert.Equal("SUBGRAPH_UNAVAILABLE", error["extensions"]!["code"]!.GetValue<string>());
        Assert.Contains("longer than", error["message"]!.GetValue<string>());
        Assert.InRange(answer!.BytesRead, 0, SubgraphClient.MaxAnswerBytes + 1024 * 1024);
        if (saysItsLength)
            Assert.Equal(0, answer.BytesRead);
    }

    /// <summary><c>{"data":{"product":{"name":"aaaa…</c>, without end; counts what was read of it.</summary>
    private sealed class EndlessAnswer : Stream
    {
        private static readonly byte[] Start = "{\"data\":{\"product\":{\"name\":\""u8.ToArray();
        public long BytesRead { get; private set; }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var span = buffer.AsSpan(offset, count);
            for (var i = 0; i < span.Length; i++)
                span[i] = BytesRead + i < Start.Length ? Start[BytesRead + i] : (byte)'a';
            BytesRead += span.Length;
            return span.Length;
        }

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public async Task EntityErrors_AreRepathedToEveryObjectTheyAnswer()
    {
        var subgraphs = ProjectSubgraphs().On("users", _ => """
            {"data":{"_entities":[{"name":"Ann"},null]},"errors":[{"message":"gone","path":["_entities",1,"name"]}]}
            """);
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), ProductPage, """{"id":"p1"}"""))!;
        Assert.Equal("""["product","reviews","nodes",1,"author","name"]""", json["errors"]![0]!["path"]!.ToJsonString());
    }

    [Fact]
    public async Task ValidationError_IsARequestErrorWithoutData()
    {
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(new FakeSubgraphs().Executor(TestSupergraphs.Project()), "{ product(id: 1) { nope } }"))!;
        Assert.Null(json["data"]);
        Assert.Equal("""[{"line":1,"column":20}]""", json["errors"]![0]!["locations"]!.ToJsonString());

        var syntax = JsonNode.Parse(await FakeSubgraphs.RunAsync(new FakeSubgraphs().Executor(TestSupergraphs.Project()), "{ product("))!;
        Assert.Equal("GRAPHQL_PARSE_FAILED", syntax["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
        Assert.NotNull(syntax["errors"]![0]!["locations"]);
    }

    [Fact]
    public async Task Introspection_IsAnsweredLocally_BesideSubgraphFields()
    {
        var subgraphs = ProjectSubgraphs();
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            "{ __typename __schema { queryType { name } } t: __type(name: \"Product\") { name } product(id: \"p1\") { name __typename } }"))!;
        Assert.Equal("""{"__typename":"Query","__schema":{"queryType":{"name":"Query"}},"t":{"name":"Product"},"product":{"name":"Kettle","__typename":"Product"}}""",
            json["data"]!.ToJsonString());
        Assert.DoesNotContain("join__", await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), "{ __schema { types { name } } }"));
    }

    [Fact]
    public async Task Headers_AreForwardedToSubgraphs()
    {
        var subgraphs = ProjectSubgraphs();
        await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), "{ product(id: \"p1\") { name } }", null,
            new ForwardedHeaders("Bearer abc", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "de-DE", "10.1.2.3", "cart-7"));
        var request = subgraphs.Requests.Single().Request;
        Assert.Equal("cart-7", request.Headers.GetValues("X-Cart-Id").Single());
        Assert.Equal("10.1.2.3", request.Headers.GetValues("X-Forwarded-For").Single());
        Assert.Equal("Bearer abc", request.Headers.Authorization!.ToString());
        Assert.Equal("de-DE", request.Headers.AcceptLanguage.ToString());
        Assert.True(request.Headers.Contains("traceparent"));
    }

    [Fact]
    public async Task UnreadableSubgraphResponse_FailsOnlyThatFetch()
    {
        var subgraphs = ProjectSubgraphs().On("reviews", _ => """{"data":{"_entities":[{"rating":{"average":1},"rating":{"average":2}}]},"errors":[{"message":"x","path":[1,"_entities"]}]}""");
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            "{ product(id: \"p1\") { name rating { average } } }"))!;
        Assert.Equal("""{"product":null}""", json["data"]!.ToJsonString());
        Assert.Contains(json["errors"]!.AsArray(), e => e!["extensions"]?["code"]?.GetValue<string>() == "SUBGRAPH_INVALID_RESPONSE");
    }

    [Fact]
    public async Task ClientThatLeaves_CancelsTheSubgraphRequests()
    {
        var cancelled = new TaskCompletionSource();
        var subgraphs = ProjectSubgraphs().OnHttp("catalog", async (_, cancellationToken) =>
        {
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                cancelled.SetResult();
                throw;
            }
            return FakeSubgraphs.Json("{}");
        });
        using var client = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        using var variables = System.Text.Json.JsonDocument.Parse("{}");
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subgraphs.Executor(TestSupergraphs.Project())
            .ExecuteAsync(new GatewayRequest("{ product(id: 1) { name } }", null, variables.RootElement), ForwardedHeaders.None, client.Token));
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task NullInANonNullPlace_WithoutASubgraphError_GetsTheSpecsError()
    {
        var subgraphs = ProjectSubgraphs().On("users", _ => """{"data":{"_entities":[{"name":"Ann"},{"name":null}]}}""");
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), ProductPage, """{"id":"p1"}"""))!;
        Assert.Equal("""{"product":null}""", json["data"]!.ToJsonString());
        var error = Assert.Single(json["errors"]!.AsArray())!;
        Assert.Equal("Cannot return null for non-nullable field User.name.", error["message"]!.GetValue<string>());
        Assert.Equal("""["product","reviews","nodes",1,"author","name"]""", error["path"]!.ToJsonString());
    }

    /// <summary>
    /// A subgraph that cannot be reached is named to the client, not its address: the HTTP
    /// client's text ("Connection refused (10.0.0.5:5103)") is for the gateway's log.
    /// </summary>
    [Fact]
    public async Task AnUnreachableSubgraph_IsReportedWithoutItsAddress()
    {
        var subgraphs = ProjectSubgraphs()
            .OnHttp("users", _ => throw new HttpRequestException("Connection refused (10.0.0.5:5103)"));
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), ProductPage, """{"id":"p1"}"""))!;

        var error = Assert.Single(json["errors"]!.AsArray())!;
        Assert.Equal("SUBGRAPH_UNAVAILABLE", error["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal("The subgraph 'users' failed: Could not connect.", error["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task FailedEntityFetch_IsReportedAtItsMergePath_UpToTheFirstList()
    {
        // The users fetch merges at product.reviews.nodes.@.author: the error names the list the failed
        // entities are in (a response path has no "every item" segment), and explains the nulls below it.
        var subgraphs = ProjectSubgraphs().OnHttp("users", _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.BadGateway)));
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()), ProductPage, """{"id":"p1"}"""))!;
        var error = Assert.Single(json["errors"]!.AsArray())!;
        Assert.Equal("SUBGRAPH_UNAVAILABLE", error["extensions"]!["code"]!.GetValue<string>());
        Assert.Equal("""["product","reviews","nodes"]""", error["path"]!.ToJsonString());
        Assert.Equal("""{"product":null}""", json["data"]!.ToJsonString());
    }

    [Fact]
    public async Task FailedEntityFetch_OfOneObject_IsReportedAtThatObject()
    {
        var subgraphs = ProjectSubgraphs().OnHttp("reviews", _ => Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)));
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(subgraphs.Executor(TestSupergraphs.Project()),
            "query($id: ID!) { product(id: $id) { name rating { average } } }", """{"id":"p1"}"""))!;
        var error = Assert.Single(json["errors"]!.AsArray())!;
        Assert.Equal("""["product"]""", error["path"]!.ToJsonString());
    }

    [Fact]
    public async Task DeeplyNestedDocument_IsARequestError()
    {
        var query = string.Concat(Enumerable.Repeat("{ a ", 500)) + string.Concat(Enumerable.Repeat("}", 500));
        var json = JsonNode.Parse(await FakeSubgraphs.RunAsync(new FakeSubgraphs().Executor(TestSupergraphs.Project()), query))!;
        Assert.Null(json["data"]);
        Assert.Equal("GRAPHQL_PARSE_FAILED", json["errors"]![0]!["extensions"]!["code"]!.GetValue<string>());
    }
}
