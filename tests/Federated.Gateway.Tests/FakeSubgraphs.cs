using Federated.Gateway.Operations;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federated.Gateway.Execution;
using Federated.Gateway.Supergraph;
using Microsoft.Extensions.Logging.Abstractions;

namespace Federated.Gateway.Tests;

/// <summary>
/// In-process subgraphs: an HTTP handler that hands each request (by host name) to a
/// function of the request body, and records what was sent.
/// </summary>
public sealed class FakeSubgraphs : HttpMessageHandler
{
    private readonly Dictionary<string, Func<JsonObject, CancellationToken, Task<HttpResponseMessage>>> _subgraphs = new();

    public List<(string Subgraph, JsonObject Body, HttpRequestMessage Request)> Requests { get; } = [];

    public FakeSubgraphs On(string subgraph, Func<JsonObject, string> respond)
    {
        _subgraphs[subgraph] = (body, _) => Task.FromResult(Json(respond(body)));
        return this;
    }

    public FakeSubgraphs OnHttp(string subgraph, Func<JsonObject, Task<HttpResponseMessage>> respond)
    {
        _subgraphs[subgraph] = (body, _) => respond(body);
        return this;
    }

    /// <summary>A subgraph that sees the request's cancellation.</summary>
    public FakeSubgraphs OnHttp(string subgraph, Func<JsonObject, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        _subgraphs[subgraph] = respond;
        return this;
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/graphql-response+json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var subgraph = request.RequestUri!.Host;
        var body = JsonNode.Parse(await request.Content!.ReadAsStringAsync(cancellationToken))!.AsObject();
        lock (Requests)
            Requests.Add((subgraph, body, request));
        if (!_subgraphs.TryGetValue(subgraph, out var respond))
            throw new HttpRequestException($"Connection refused ({subgraph})");
        return await respond(body, cancellationToken);
    }

    public GatewayExecutor Executor(SupergraphModel model, TimeSpan? timeout = null, IReadOnlySet<string>? overrideLabels = null, double? overrideDraw = null,
        int maxCost = OperationCost.DefaultLimit) =>
        new(model, new PlanExecutor(new SubgraphClient(new HttpMessageInvoker(this), timeout ?? TimeSpan.FromSeconds(5)), NullLogger<PlanExecutor>.Instance),
            overrideLabels: overrideLabels, overrideDraw: overrideDraw, maxCost: maxCost);

    public static async Task<string> RunAsync(GatewayExecutor executor, string query, string? variables = null, ForwardedHeaders? headers = null)
    {
        using var document = JsonDocument.Parse(variables ?? "{}");
        var result = await executor.ExecuteAsync(new GatewayRequest(query, null, document.RootElement.Clone()), headers ?? ForwardedHeaders.None, CancellationToken.None);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            result.WriteTo(writer, includePlan: false);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>Whitespace-free JSON for comparing with an expected response written readably.</summary>
    public static string Compact(string json) => JsonNode.Parse(json)!.ToJsonString();
}
