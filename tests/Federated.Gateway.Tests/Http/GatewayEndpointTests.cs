using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Federated.Gateway.Tests.Http;

public class GatewayEndpointTests
{
    private static FakeSubgraphs Subgraphs() => new FakeSubgraphs()
        .On("catalog", _ => """{"data":{"product":{"name":"Kettle"}}}""");

    private static Task<GatewayHost> StartAsync(FakeSubgraphs? subgraphs = null) =>
        GatewayHost.StartAsync(TestSupergraphs.RepoFile("schema/supergraph.graphql"), subgraphs ?? Subgraphs());

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Post_AnswersUnderGraphQLResponseJson()
    {
        await using var host = await StartAsync();
        var response = await host.Client.PostAsync("/graphql", Json("""{"query":"{ product(id: \"p1\") { name } }"}"""));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/graphql-response+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal("""{"data":{"product":{"name":"Kettle"}}}""", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Get_RunsQueries_AndRefusesMutationsWith405()
    {
        await using var host = await StartAsync();
        var query = await host.Client.GetAsync("/graphql?query=" + Uri.EscapeDataString("{ product(id: \"p1\") { name } }"));
        Assert.Equal(HttpStatusCode.OK, query.StatusCode);
        var mutation = await host.Client.GetAsync("/graphql?query=" + Uri.EscapeDataString("mutation { signOut(input: {refreshToken: \"x\"}) { revokedSessions } }"));
        Assert.Equal(HttpStatusCode.MethodNotAllowed, mutation.StatusCode);
        Assert.Equal("POST", mutation.Content.Headers.Allow.Single());
    }

    [Fact]
    public async Task RequestErrors_GetTheSpecsStatusCodes()
    {
        await using var host = await StartAsync();
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await host.Client.PostAsync("/graphql", new StringContent("{}", Encoding.UTF8, "text/plain"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/graphql", Json("not json"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/graphql", Json("""{"query":"{ product("}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/graphql", Json("""{"query":"{ nope }"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await host.Client.PostAsync("/graphql", Json("{\"query\":\"" + new string(' ', 1024 * 1024 + 1) + "\"}"))).StatusCode);

        var notAcceptable = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = Json("""{"query":"{ __typename }"}""") };
        notAcceptable.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        Assert.Equal(HttpStatusCode.NotAcceptable, (await host.Client.SendAsync(notAcceptable)).StatusCode);
    }

    [Fact]
    public async Task ValidationError_UnderPlainJson_Is200()
    {
        await using var host = await StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = Json("""{"query":"{ nope }"}""") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        var response = await host.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]);
    }

    [Fact]
    public async Task QueryPlanHeader_ReturnsThePlanInDevelopment()
    {
        await using var host = await StartAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = Json("""{"query":"{ product(id: \"p1\") { name } }"}""") };
        request.Headers.Add("Apollo-Query-Plan-Experimental", "1");
        var json = JsonNode.Parse(await (await host.Client.SendAsync(request)).Content.ReadAsStringAsync())!;
        Assert.Contains("Fetch(service: \"catalog\")", json["extensions"]!["queryPlan"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_ReportsReady()
    {
        await using var host = await StartAsync();
        var response = await host.Client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"ready\"", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OperationName_PicksOneOperationOfTheDocument()
    {
        await using var host = await StartAsync();
        const string document = "query A { __typename } query B { product(id: 1) { name } }";
        var picked = await host.Client.PostAsync("/graphql", Json($$"""{"query":"{{document}}","operationName":"B"}"""));
        Assert.Equal("""{"data":{"product":{"name":"Kettle"}}}""", await picked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/graphql", Json($$"""{"query":"{{document}}"}"""))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.PostAsync("/graphql", Json($$"""{"query":"{{document}}","operationName":"C"}"""))).StatusCode);
    }

    [Fact]
    public async Task Get_TakesVariablesAsJson()
    {
        var subgraphs = Subgraphs();
        await using var host = await StartAsync(subgraphs);
        var url = "/graphql?query=" + Uri.EscapeDataString("query($id: ID!) { product(id: $id) { name } }") + "&variables=" + Uri.EscapeDataString("""{"id":"p1"}""");
        Assert.Equal("""{"data":{"product":{"name":"Kettle"}}}""", await host.Client.GetStringAsync(url));
        Assert.Equal("""{"id":"p1"}""", subgraphs.Requests.Single().Body["variables"]!.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Client.GetAsync("/graphql?query=%7B__typename%7D&variables=%5B1%5D")).StatusCode);
    }

    [Theory]
    [InlineData("""{"query":5}""")]
    [InlineData("""[]""")]
    [InlineData("""{"query":"{ __typename }","variables":"x"}""")]
    [InlineData("""{"query":"{ __typename }","operationName":7}""")]
    [InlineData("""{"query":"query($x: Int) { product(id: $x) { name } }","variables":{"x":1}}""")]
    [InlineData("""{"query":"query($x: ID!) { product(id: $x) { name } }","variables":{"x":{"deep":[1,2]}}}""")]
    [InlineData("""{"query":"query($x: ID!) { product(id: $x) { name } }"}""")]
    [InlineData("""{"query":"fragment F on Product { ...F } { product(id: 1) { ...F } }"}""")]
    [InlineData("""{"query":"subscription { product(id: 1) { name } }"}""")]
    [InlineData("""{"query":"{ product(id: 1) { name } } { product(id: 2) { name } }"}""")]
    // Half a surrogate pair, escaped: valid JSON to the reader, no text when read (it was a 500).
    [InlineData("""{"query":"{ product(id: \"\ud800\") { name } }"}""")]
    [InlineData("""{"query":"{ __typename }","operationName":"\udc00"}""")]
    public async Task WhatTheClientSends_NeverMakesA500(string body)
    {
        await using var host = await StartAsync();
        var response = await host.Client.PostAsync("/graphql", Json(body));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!.AsArray();
        Assert.All(errors, e => Assert.False(string.IsNullOrEmpty((string?)e!["extensions"]?["code"])));
    }
}
