using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Execution;

/// <summary>Headers of the client's request that go on to every subgraph.</summary>
/// <param name="CartId">A guest's cart (<c>X-Cart-Id</c>), which the orders subgraph reads.</param>
public sealed record ForwardedHeaders(string? Authorization, string? TraceParent, string? AcceptLanguage, string? ForwardedFor, string? CartId = null)
{
    public static readonly ForwardedHeaders None = new(null, null, null, null);
}

/// <summary>
/// Sends GraphQL requests to subgraphs over one pooled <see cref="HttpMessageInvoker"/>
/// (SocketsHttpHandler in the service; an in-process handler in tests).
/// </summary>
public sealed class SubgraphClient(HttpMessageInvoker http, TimeSpan timeout, Func<string, TimeSpan>? timeoutFor = null)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private const string Accept = "application/graphql-response+json, application/json";

    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The subgraph's response object, or a <see cref="SubgraphException"/> saying why there is none.</summary>
    public async Task<JsonObject> SendAsync(SubgraphInfo subgraph, ReadOnlyMemory<byte> body, ForwardedHeaders headers, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var limit = timeoutFor?.Invoke(subgraph.Name) ?? Timeout;
        timeoutSource.CancelAfter(limit);
        using var request = new HttpRequestMessage(HttpMethod.Post, subgraph.Url) { Content = new ReadOnlyMemoryContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.TryAddWithoutValidation("Accept", Accept);
        if (headers.Authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", headers.Authorization);
        if (headers.TraceParent is not null)
            request.Headers.TryAddWithoutValidation("traceparent", headers.TraceParent);
        if (headers.AcceptLanguage is not null)
            request.Headers.TryAddWithoutValidation("Accept-Language", headers.AcceptLanguage);
        if (headers.ForwardedFor is not null)
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", headers.ForwardedFor);
        if (headers.CartId is not null)
            request.Headers.TryAddWithoutValidation("X-Cart-Id", headers.CartId);

        try
        {
            using var response = await http.SendAsync(request, timeoutSource.Token);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            var isJson = mediaType is "application/json" or "application/graphql-response+json";
            if (!isJson)
                throw new SubgraphException($"HTTP {(int)response.StatusCode} with content type '{mediaType ?? "none"}'.");
            await using var stream = await response.Content.ReadAsStreamAsync(timeoutSource.Token);
            var node = await JsonNode.ParseAsync(stream, cancellationToken: timeoutSource.Token);
            if (node is not JsonObject result || (!result.ContainsKey("data") && !result.ContainsKey("errors")))
                throw new SubgraphException($"HTTP {(int)response.StatusCode} without a GraphQL response.");
            return result;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SubgraphException($"No answer within {limit.TotalMilliseconds:0} ms.");
        }
        catch (HttpRequestException ex)
        {
            // The exception's text names the subgraph's address: for the log, not the client.
            throw new SubgraphException("Could not connect.", ex.Message);
        }
        catch (IOException ex)
        {
            throw new SubgraphException("The connection broke while its answer was read.", ex.Message);
        }
        catch (System.Text.Json.JsonException)
        {
            throw new SubgraphException("The response is not valid JSON.");
        }
    }
}

/// <summary>A subgraph's failure: <see cref="Exception.Message"/> is for the client; <see cref="Detail"/>, when set, for the log only.</summary>
public sealed class SubgraphException(string message, string? detail = null) : Exception(message)
{
    public string? Detail { get; } = detail;
}
