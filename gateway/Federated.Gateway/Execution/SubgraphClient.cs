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
/// (SocketsHttpHandler in the service; an in-process handler in tests). An answer is read
/// into memory whole (it is merged into the client's), so it is read no further than
/// <see cref="MaxAnswerBytes"/>: a subgraph that answered without end (a bug) filled the
/// gateway's memory at loopback speed until its timeout, for every request that reached it,
/// and took the whole graph down with it instead of its own fields.
/// </summary>
public sealed class SubgraphClient(HttpMessageInvoker http, TimeSpan timeout, Func<string, TimeSpan>? timeoutFor = null,
    long maxAnswerBytes = SubgraphClient.MaxAnswerBytes)
{
    private static readonly MediaTypeHeaderValue Json = new("application/json") { CharSet = "utf-8" };
    private const string Accept = "application/graphql-response+json, application/json";

    /// <summary>The most of a subgraph's answer the gateway reads: far above what the cost limit lets a query ask for.</summary>
    public const long MaxAnswerBytes = 64L * 1024 * 1024;

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
            if (response.Content.Headers.ContentLength > maxAnswerBytes)
                throw TooLarge();
            await using var stream = new CappedStream(await response.Content.ReadAsStreamAsync(timeoutSource.Token), maxAnswerBytes, TooLarge);
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

    private SubgraphException TooLarge() => new($"The answer is longer than {maxAnswerBytes:N0} bytes.");

    /// <summary>A stream read no further than <c>max</c> bytes: past them, <c>tooLarge</c> is thrown.</summary>
    private sealed class CappedStream(Stream inner, long max, Func<Exception> tooLarge) : Stream
    {
        private long _read;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, Allowed(count)));

        // A reader's buffer grows as it goes (to tens of megabytes): one read asks for no more than one byte past the limit.
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Count(await inner.ReadAsync(buffer[..Allowed(buffer.Length)], cancellationToken));

        private int Allowed(int count) => (int)Math.Min(count, max - _read + 1);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private int Count(int read)
        {
            _read += read;
            return _read > max ? throw tooLarge() : read;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
                inner.Dispose();
            base.Dispose(disposing);
        }

        public override ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}

/// <summary>A subgraph's failure: <see cref="Exception.Message"/> is for the client; <see cref="Detail"/>, when set, for the log only.</summary>
public sealed class SubgraphException(string message, string? detail = null) : Exception(message)
{
    public string? Detail { get; } = detail;
}
