using System.Net;
using System.Text;
using System.Text.Json;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Kit;

/// <summary>The kit's GraphQL-over-HTTP endpoint, exercised through the catalog subgraph.</summary>
[Collection(FederatedCollection.Name)]
public sealed class GraphQLHttpEndpointTests(FederatedStack stack)
{
    private const string GraphQLResponseJson = "application/graphql-response+json";
    private const string Json = "application/json";

    [Fact]
    public async Task Post_Returns400WithErrors_WhenBodyIsNotJson()
    {
        var response = await PostRawAsync("{\"query\": \"{ __typename }\"", Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"query\": \"\"}")]
    [InlineData("{\"variables\": {}}")]
    public async Task Post_Returns400_WhenQueryIsMissing(string body)
    {
        var response = await PostRawAsync(body, Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
    }

    [Theory]
    [InlineData("{\"query\": 42}")]
    [InlineData("{\"query\": \"{ __typename }\", \"variables\": \"not an object\"}")]
    [InlineData("[{\"query\": \"{ __typename }\"}]")]
    [InlineData("{\"query\": \"{ __typename }\", \"variables\": {\"a\": 1, \"a\": 2}}")]
    [InlineData("{\"query\": \"{ __typename }\", \"extensions\": {\"e\": {\"x\": 1, \"x\": 2}}}")]
    public async Task Post_Returns400_WhenBodyIsNotAGraphQLRequest(string body)
    {
        var response = await PostRawAsync(body, Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
    }

    [Fact]
    public async Task Get_ExecutesQuery_WhenQueryIsInTheUrl()
    {
        var response = await GetAsync("query($id: ID!) { product(id: $id) { id } }", "{\"id\":\"prod-0000001\"}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("prod-0000001", response.Data.GetProperty("product").GetProperty("id").GetString());
    }

    [Fact]
    public async Task Get_Returns405WithAllowPost_WhenOperationIsAMutation()
    {
        // The catalog has mutations, but they change data: the method is refused before the
        // operation is executed (or even checked against the schema).
        var response = await GetAsync("mutation { __typename }");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
        Assert.Contains("POST", response.Allow);
        AssertRequestError(response);
    }

    [Theory]
    [InlineData("[1")]
    [InlineData("{\"a\": 1, \"a\": 2}")]
    public async Task Get_Returns400_WhenVariablesAreNotJson(string variables)
    {
        // A variable named twice was answered 500.
        var response = await GetAsync("{ __typename }", variables);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
        Assert.Equal(["BAD_REQUEST"], response.ErrorCodes);
    }

    [Fact]
    public async Task Put_Returns405()
    {
        var response = await stack.SendAsync(new HttpRequestMessage(HttpMethod.Put, stack.GraphQLUrl(ServiceNames.Catalog))
        {
            Content = new StringContent("{\"query\":\"{ __typename }\"}", Encoding.UTF8, Json),
        });

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.Status);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/graphql")]
    public async Task Post_Returns415_WhenContentTypeIsNotJson(string contentType)
    {
        var response = await PostRawAsync("{\"query\":\"{ __typename }\"}", contentType);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.Status);
        AssertRequestError(response);
    }

    [Fact]
    public async Task Post_AcceptsJsonWithCharset()
    {
        var response = await PostRawAsync("{\"query\":\"{ __typename }\"}", "application/json; charset=utf-8");

        Assert.Equal("Query", response.Data.GetProperty("__typename").GetString());
    }

    [Theory]
    [InlineData(GraphQLResponseJson, HttpStatusCode.BadRequest)]
    [InlineData(Json, HttpStatusCode.OK)]
    public async Task InvalidQuery_ReturnsValidationError_WithStatusFollowingAccept(string accept, HttpStatusCode expected)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "{ noSuchField }", accept: accept);

        Assert.Equal(expected, response.Status);
        Assert.Equal(accept, response.MediaType);
        var error = response.SingleError("GRAPHQL_VALIDATION_FAILED");
        Assert.Contains("noSuchField", error.GetProperty("message").GetString());
        Assert.False(response.Json.TryGetProperty("data", out _), $"A request that did not execute has no data: {response.Body}");
    }

    [Fact]
    public async Task SyntaxError_ReturnsParseFailed()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "{ product(id: ", accept: GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var error = response.SingleError("GRAPHQL_PARSE_FAILED");
        Assert.True(error.TryGetProperty("locations", out _), $"A syntax error says where it is: {response.Body}");
    }

    /// <summary>
    /// A document nested past what the parser reads (130 levels of a category's parent, as a
    /// gateway writes out fragments spread into one another) is a request error, where the
    /// parser's exception went unhandled: HTTP 500 with an empty body.
    /// </summary>
    [Theory]
    [InlineData(GraphQLResponseJson, HttpStatusCode.BadRequest)]
    [InlineData(Json, HttpStatusCode.OK)]
    public async Task ADocumentNestedTooDeeply_ReturnsParseFailed_WithStatusFollowingAccept(string accept, HttpStatusCode expected)
    {
        var query = "{ category(id: \"electronics\") { " + string.Concat(Enumerable.Repeat("parent { ", 130)) + "id" + new string('}', 131) + " }";

        var response = await stack.PostAsync(ServiceNames.Catalog, query, accept: accept);

        Assert.Equal(expected, response.Status);
        Assert.Equal("The document is nested too deeply.", response.SingleError("GRAPHQL_PARSE_FAILED").GetProperty("message").GetString());
    }

    [Fact]
    public async Task InvalidVariable_ReturnsBadUserInput()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "query($n: Int) { products(first: $n) { totalCount } }",
            new { n = "ten" }, GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        response.SingleError("BAD_USER_INPUT");
    }

    [Fact]
    public async Task RepeatedDocument_StillHasItsVariablesChecked()
    {
        // The first request validates the document and caches it; the repeats skip validation only.
        const string query = "query($n: Int) { products(first: $n) { totalCount } } # repeated";
        var first = await stack.PostAsync(ServiceNames.Catalog, query, new { n = 1 }, GraphQLResponseJson);
        var second = await stack.PostAsync(ServiceNames.Catalog, query, new { n = 2 }, GraphQLResponseJson);
        var bad = await stack.PostAsync(ServiceNames.Catalog, query, new { n = "ten" }, GraphQLResponseJson);
        var fraction = await stack.PostAsync(ServiceNames.Catalog, query, new { n = 1.5 }, GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Data.GetProperty("products").GetProperty("totalCount").GetInt32(),
            second.Data.GetProperty("products").GetProperty("totalCount").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, bad.Status);
        bad.SingleError("BAD_USER_INPUT");
        Assert.Equal(HttpStatusCode.BadRequest, fraction.Status);
        fraction.SingleError("BAD_USER_INPUT");
    }

    [Fact]
    public async Task InvalidDocument_IsRefusedEveryTime()
    {
        const string query = "{ products(first: 1) { noSuchField } }";
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var response = await stack.PostAsync(ServiceNames.Catalog, query, accept: GraphQLResponseJson);

            Assert.Equal(HttpStatusCode.BadRequest, response.Status);
            response.SingleError("GRAPHQL_VALIDATION_FAILED");
        }
    }

    [Fact]
    public async Task Post_Returns406_WhenAcceptAllowsOnlyHtml()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "{ __typename }", accept: "text/html");

        Assert.Equal(HttpStatusCode.NotAcceptable, response.Status);
    }

    [Fact]
    public async Task Post_Returns413_WhenBodyIsOverOneMebibyte()
    {
        var padding = new string('x', 1024 * 1024);
        var response = await PostRawAsync(JsonSerializer.Serialize(new { query = "{ __typename }", variables = new { padding } }), Json);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
        AssertRequestError(response);
    }

    [Fact]
    public async Task Post_Returns413_WhenChunkedBodyIsOverOneMebibyte()
    {
        // No Content-Length: the limit must hold while the body streams in.
        var padding = new string('x', 1024 * 1024);
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { query = "{ __typename }", variables = new { padding } });
        var content = new StreamContent(new MemoryStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Json);
        var request = new HttpRequestMessage(HttpMethod.Post, stack.GraphQLUrl(ServiceNames.Catalog)) { Content = content };
        request.Headers.TransferEncodingChunked = true;

        var response = await stack.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.Status);
    }

    [Theory]
    [InlineData(null, GraphQLResponseJson)]
    [InlineData("*/*", GraphQLResponseJson)]
    [InlineData(GraphQLResponseJson, GraphQLResponseJson)]
    [InlineData(Json, Json)]
    [InlineData("application/graphql-response+json;q=0.5, application/json", Json)]
    [InlineData("text/html, application/json;q=0.9", Json)]
    public async Task ResponseContentType_FollowsAccept(string? accept, string expected)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, "{ __typename }", accept: accept);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(expected, response.MediaType);
    }

    [Theory]
    [InlineData("{ product(id: \"prod-0000001\") { id name } }")]
    [InlineData("{ product(id: \"prod-0000001\") { nope } }")]
    [InlineData("{ products(first: 1000000) { totalCount } }")]
    [InlineData("{ products(after: \"%%%\") { totalCount } }")]
    [InlineData("{ products(first: 99999999999) { totalCount } }")]
    [InlineData("{ _entities(representations: [{ id: \"x\" }]) { __typename } }")]
    [InlineData("{ _entities(representations: [{ __typename: \"Product\" }]) { __typename } }")]
    [InlineData("{ _entities(representations: [{ __typename: \"Product\", id: 1 }]) { __typename } }")]
    [InlineData("{ category(id: \"\") { children { children { children { id } } } } }")]
    [InlineData("query A { __typename } query B { __typename }")]
    [InlineData("fragment F on Query { ...F } { ...F }")]
    [InlineData("mutation { __typename }")]
    [InlineData("subscription { __typename }")]
    public async Task NoResponse_ContainsStackTraceOrTypeNames(string query)
    {
        foreach (var accept in new[] { GraphQLResponseJson, Json })
        {
            // SendAsync checks every response body for stack frames and .NET type names.
            var response = await stack.PostAsync(ServiceNames.Catalog, query, accept: accept);

            Assert.True((int)response.Status is 200 or 400, $"Unexpected status: {response}");
            Assert.All(response.ErrorCodes, code => Assert.False(string.IsNullOrEmpty(code), $"Every error has a code: {response.Body}"));
        }
    }

    /// <summary>
    /// As <c>./run.sh</c> runs the services (Development), even with exception details exposed
    /// for debugging, which is for unexpected errors: bad input gets its code and message, no stack trace.
    /// </summary>
    [Fact]
    public async Task InDevelopment_WithDetailsExposed_BadInput_StillGetsNoStackTrace()
    {
        using var development = await stack.StartInstanceAsync(ServiceNames.Catalog, "catalog-development", new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["GraphQL__ExposeExceptionDetails"] = "true",
        });

        foreach (var (query, code) in new[]
                 {
                     ("{ products(first: -1) { totalCount } }", "BAD_USER_INPUT"),
                     ("{ products(after: \"%%%\") { totalCount } }", "INVALID_CURSOR"),
                     ("{ search(query: \"\") { totalCount } }", "BAD_USER_INPUT"),
                 })
        {
            // SendAsync checks every response body for stack frames and .NET type names.
            var response = await stack.PostAsync("catalog-development", query);

            Assert.Equal([code], response.ErrorCodes);
        }
    }

    [Fact]
    public async Task Post_Returns400ValidationError_WhenMutationIsSentToAServiceWithoutMutations()
    {
        // Reviews has no mutations yet (the catalog and users do).
        var response = await stack.PostAsync(ServiceNames.Reviews, "mutation { __typename }", accept: GraphQLResponseJson);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
        Assert.Equal(["GRAPHQL_VALIDATION_FAILED"], response.ErrorCodes);
    }

    [Theory]
    [InlineData(ServiceNames.Reviews, "{\"query\": \"mutation { __typename }\", \"operationName\": \"\"}")]
    [InlineData(ServiceNames.Catalog, "{\"query\": \"subscription { __typename }\"}")]
    [InlineData(ServiceNames.Catalog, "{\"query\": \"subscription S { __typename }\", \"operationName\": \"\"}")]
    public async Task Post_Returns400ValidationError_ForAnOperationTypeTheServiceDoesNotHave_WhateverItsName(string service, string body)
    {
        // An empty operation name is no name: the check looked for an operation named "", found
        // none, and let the mutation through, answered 200 with null data. Subscriptions were
        // not checked at all; no service has any.
        var response = await stack.SendAsync(new HttpRequestMessage(HttpMethod.Post, stack.GraphQLUrl(service))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
            Headers = { { "Accept", GraphQLResponseJson } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
        Assert.Equal(["GRAPHQL_VALIDATION_FAILED"], response.ErrorCodes);
    }

    /// <summary>
    /// A turn (<c>Admission</c>) is for the work of a request, not for its client's network: a
    /// request whose body is still on its way holds none. It held one while Kestrel read the
    /// body (whose floor is 240 bytes a second, so a mebibyte may take over an hour), and a few
    /// hundred such connections had every other request refused.
    /// </summary>
    [Fact]
    public async Task ARequestWhoseBodyIsStillArriving_HoldsNoTurn()
    {
        const string instance = "catalog-slow-client";
        using var oneTurn = await stack.StartInstanceAsync(ServiceNames.Catalog, instance, new Dictionary<string, string>
        {
            ["GraphQL__Admission__MaxConcurrent"] = "1",
            ["GraphQL__Admission__MaxWait"] = "00:00:00.200",
        });
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await stack.PostAsync(instance, "{ __typename }")).Status);

        var body = JsonSerializer.SerializeToUtf8Bytes(new { query = "{ product(id: \"prod-0000001\") { id } }" });
        var slowBody = new HeldBackContent(body, firstBytes: 10) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(Json) } };
        var slow = stack.SendAsync(new HttpRequestMessage(HttpMethod.Post, stack.GraphQLUrl(instance)) { Content = slowBody });
        await slowBody.FirstBytesSent.WaitAsync(TimeSpan.FromSeconds(10));

        for (var i = 0; i < 5; i++)
        {
            await Task.Delay(100);
            var probe = await stack.PostAsync(instance, "{ __typename }");
            Assert.True(probe.Status == HttpStatusCode.OK, $"Probe {i} while a body was arriving: {(int)probe.Status} {probe.Body}");
        }
        Assert.False(slow.IsCompleted);

        slowBody.SendTheRest();
        var answered = await slow;
        Assert.Equal(HttpStatusCode.OK, answered.Status);
        Assert.Equal("prod-0000001", answered.Data.GetProperty("product").GetProperty("id").GetString());
    }

    /// <summary>
    /// Where traces are collected (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), a span names the
    /// operation, not its text: a sign-in written with its password inline put the password
    /// (and a refresh, its 30-day token) into every collected trace.
    /// </summary>
    [Fact]
    public async Task CollectedTraces_HoldNoValueWrittenInTheQuery()
    {
        const string instance = "users-traced";
        var received = new System.Collections.Concurrent.ConcurrentQueue<byte[]>();
        await using var collector = new LocalHttpEndpoint(body =>
        {
            received.Enqueue(body);
            return 200;
        });
        using var traced = await stack.StartInstanceAsync(ServiceNames.Users, instance, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Url.GetLeftPart(UriPartial.Authority),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        });
        const string password = "inline-secret-7d1c2a9e";

        var answer = await stack.PostAsync(instance,
            $"mutation SignInInline {{ signIn(input: {{ email: \"nobody-traced@federated.example\", password: \"{password}\" }}) {{ errors {{ code }} }} }}");
        Assert.Empty(answer.ErrorCodes);

        string Collected() => string.Join("\n", received.Select(Encoding.UTF8.GetString));
        await Eventually.WaitForAsync(() => Task.FromResult(Collected().Contains("SignInInline", StringComparison.Ordinal)),
            () => $"No span of the operation reached the collector ({received.Count} posts)");
        Assert.DoesNotContain(password, Collected(), StringComparison.Ordinal);
        Assert.DoesNotContain("nobody-traced@federated.example", Collected(), StringComparison.Ordinal);
    }

    /// <summary>A JSON body whose first bytes go at once and the rest only when the test says so.</summary>
    private sealed class HeldBackContent(byte[] body, int firstBytes) : HttpContent
    {
        private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _rest = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstBytesSent => _firstSent.Task;

        public void SendTheRest() => _rest.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, firstBytes));
            await stream.FlushAsync();
            _firstSent.TrySetResult();
            await _rest.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await stream.WriteAsync(body.AsMemory(firstBytes));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    [Theory]
    [InlineData("{\"query\": \"query($id: ID!) { product(id: $id) { id } }\", \"variables\": {\"id\": \"prod-\\u00000001\"}}")]
    [InlineData("{\"query\": \"query($f: ProductFilter) { products(filter: $f) { nodes { id } } }\", \"variables\": {\"f\": {\"brands\": [\"A\", \"B\\u0000\"]}}}")]
    [InlineData("{\"query\": \"{ product(id: \\\"prod-\\\\u0000\\\") { id } }\"}")]
    [InlineData("{\"query\": \"{ product(id: \\\"prod-\\\\u{0}\\\") { id } }\"}")]
    public async Task Post_Returns400WithBadRequest_WhenTextHoldsTheNulCharacter(string body)
    {
        // PostgreSQL stores no U+0000 in text: without this check the store refused it deep in a
        // resolver, and the client got an internal error.
        var response = await PostRawAsync(body, Json);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
        Assert.Equal(["BAD_REQUEST"], response.ErrorCodes);
    }

    [Theory]
    [InlineData(ServiceNames.Catalog, "{\"query\": \"{ product(id: \\\"prod-\\\\uD800\\\") { id } }\"}")]
    [InlineData(ServiceNames.Catalog, "{\"query\": \"{ product(id: \\\"prod-\\\\uDC00x\\\") { id } }\"}")]
    [InlineData(ServiceNames.Catalog, "{\"query\": \"{ product(id: \\\"prod-\\\\u{D800}\\\") { id } }\"}")]
    [InlineData(ServiceNames.Orders, "{\"query\": \"{ order(id: \\\"ord-\\\\uD800\\\") { id } }\"}")]
    [InlineData(ServiceNames.Catalog, "{\"query\": \"query($id: ID!) { product(id: $id) { id } }\", \"variables\": {\"id\": \"prod-\\uD800\"}}")]
    public async Task Post_Returns400WithBadRequest_WhenTextHoldsALoneSurrogate(string service, string body)
    {
        // Half of a UTF-16 pair is no character: PostgreSQL's UTF-8 cannot hold it, and Npgsql
        // refused it deep in a resolver, an internal error.
        var response = await PostRawAsync(body, Json, service);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        AssertRequestError(response);
        Assert.Equal(["BAD_REQUEST"], response.ErrorCodes);
    }

    /// <summary>A surrogate pair escaped spells its character; an escaped backslash before <c>uD800</c> or <c>u0000</c> is text.</summary>
    [Theory]
    [InlineData("{\"query\": \"{ product(id: \\\"prod-\\\\uD83D\\\\uDE00\\\") { id } }\"}")]
    [InlineData("{\"query\": \"{ product(id: \\\"prod-\\\\\\\\uD800\\\") { id } }\"}")]
    [InlineData("{\"query\": \"{ product(id: \\\"prod-\\\\\\\\u0000\\\") { id } }\"}")]
    public async Task Post_AcceptsEscapesThatSpellStorableText(string body)
    {
        var response = await PostRawAsync(body, Json);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Empty(response.Errors);
    }

    [Fact]
    public async Task SignIn_ThroughTheGateway_RefusesAnEmailHoldingTheNulCharacter_WithACode()
    {
        var response = await stack.PostAsync(ServiceNames.Gateway, "mutation($input: SignInInput!) { signIn(input: $input) { token } }",
            new { input = new { email = "a\u0000@example.com", password = "whatever-it-is" } });

        Assert.NotEmpty(response.ErrorCodes);
        Assert.DoesNotContain("INTERNAL_SERVER_ERROR", response.ErrorCodes);
        Assert.All(response.ErrorCodes, Assert.NotNull);
    }

    private static void AssertRequestError(GraphQLResponse response)
    {
        Assert.NotEmpty(response.Errors);
        Assert.All(response.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.GetProperty("message").GetString())));
        Assert.False(response.Json.TryGetProperty("data", out _), $"A request error has no data: {response.Body}");
    }

    private Task<GraphQLResponse> PostRawAsync(string body, string contentType, string service = ServiceNames.Catalog) =>
        stack.SendAsync(new HttpRequestMessage(HttpMethod.Post, stack.GraphQLUrl(service))
        {
            Content = new StringContent(body, Encoding.UTF8, new System.Net.Http.Headers.MediaTypeHeaderValue(contentType.Split(';')[0])),
        });

    private Task<GraphQLResponse> GetAsync(string query, string? variables = null)
    {
        var url = $"{stack.GraphQLUrl(ServiceNames.Catalog)}?query={Uri.EscapeDataString(query)}";
        if (variables is not null)
            url += $"&variables={Uri.EscapeDataString(variables)}";
        return stack.SendAsync(new HttpRequestMessage(HttpMethod.Get, url));
    }
}
