using System.Net.Mime;
using System.Text.Json;
using Federated.Gateway.Execution;
using GraphQLParser.AST;
using Microsoft.AspNetCore.Http.Features;

namespace Federated.Gateway.Http;

/// <summary>
/// GraphQL over HTTP as the subgraphs serve it (Federated.Kit's GraphQLHttpEndpoint): POST
/// with application/json, GET for queries only (405 for mutations), 406/415/413 for what it
/// cannot take, request errors as 400 under application/graphql-response+json.
/// </summary>
public static class GatewayEndpoint
{
    public const string Path = "/graphql";
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const long MaxRequestBytes = 1024 * 1024;
    /// <summary>In Development, a request with this header gets the query plan in extensions.queryPlan.</summary>
    public const string QueryPlanHeader = "Apollo-Query-Plan-Experimental";

    public static IEndpointConventionBuilder MapGatewayEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapMethods(Path, [HttpMethods.Get, HttpMethods.Post], HandleAsync);

    private static async Task HandleAsync(HttpContext http)
    {
        if (BananaCakePop.WantsIde(http.Request))
        {
            await BananaCakePop.ServeAsync(http);
            return;
        }
        var mediaType = NegotiateMediaType(http.Request);
        if (mediaType is null)
        {
            await WriteAsync(http, StatusCodes.Status406NotAcceptable, GraphQLResponseJson,
                GatewayResult.RequestError($"Accept must allow {GraphQLResponseJson} or application/json.", "BAD_REQUEST"), false);
            return;
        }

        var (request, document, error) = await ReadRequestAsync(http);
        using (document)
        {
            if (error is not null)
            {
                await WriteAsync(http, error.Value.Status, mediaType, GatewayResult.RequestError(error.Value.Message, "BAD_REQUEST"), false);
                return;
            }

            var executor = http.RequestServices.GetRequiredService<SupergraphProvider>().Current;
            if (HttpMethods.IsGet(http.Request.Method) && executor.OperationTypeOf(request!) is OperationType.Mutation)
            {
                http.Response.Headers.Allow = HttpMethods.Post;
                await WriteAsync(http, StatusCodes.Status405MethodNotAllowed, mediaType,
                    GatewayResult.RequestError("mutation operations must be sent with POST.", "BAD_REQUEST"), false);
                return;
            }

            if (!await http.RequestServices.GetRequiredService<AccessTokenVerifier>().AcceptsAsync(http.Request))
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await WriteAsync(http, StatusCodes.Status401Unauthorized, mediaType, GatewayResult.RequestError(
                    "The access token is missing, malformed, expired or not valid here. Sign in again.", "UNAUTHENTICATED"), false);
                return;
            }

            GatewayResult result;
            try
            {
                result = await executor.ExecuteAsync(request!, Headers(http), http.RequestAborted);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(GatewayEndpoint)).LogError(ex, "The request failed");
                await WriteAsync(http, StatusCodes.Status500InternalServerError, mediaType,
                    GatewayResult.RequestError("The gateway failed to run this request.", "INTERNAL_SERVER_ERROR"), false);
                return;
            }
            var status = !result.Executed && mediaType == GraphQLResponseJson ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK;
            var includePlan = http.Request.Headers.ContainsKey(QueryPlanHeader)
                && http.RequestServices.GetRequiredService<IHostEnvironment>().IsDevelopment();
            await WriteAsync(http, status, mediaType, result, includePlan);
        }
    }

    private static ForwardedHeaders Headers(HttpContext http)
    {
        var headers = http.Request.Headers;
        static string? One(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();
        return new ForwardedHeaders(
            One(headers.Authorization),
            One(headers["traceparent"]),
            One(headers.AcceptLanguage),
            // The client's own address, for sign-in throttling; whatever the client sent is dropped.
            http.Connection.RemoteIpAddress?.ToString(),
            One(headers["X-Cart-Id"]));
    }

    /// <summary>Only what JSON requires is escaped, as the subgraphs write it: the same bytes, fewer of them.</summary>
    private static readonly JsonWriterOptions ResponseJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static async Task WriteAsync(HttpContext http, int status, string mediaType, GatewayResult result, bool includePlan)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = $"{mediaType}; charset=utf-8";
        await using (var writer = new Utf8JsonWriter(http.Response.BodyWriter, ResponseJson))
            result.WriteTo(writer, includePlan);
        await http.Response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static string? NegotiateMediaType(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        if (accept.Count == 0)
            return GraphQLResponseJson;
        foreach (var value in accept.OrderByDescending(a => a.Quality ?? 1))
        {
            if (value.Quality == 0)
                continue;
            var type = value.MediaType.Value;
            if (string.Equals(type, GraphQLResponseJson, StringComparison.OrdinalIgnoreCase))
                return GraphQLResponseJson;
            if (string.Equals(type, MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase))
                return MediaTypeNames.Application.Json;
            if (type is "*/*" or "application/*")
                return GraphQLResponseJson;
        }
        return null;
    }

    private static async Task<(GatewayRequest? Request, JsonDocument? Document, (int Status, string Message)? Error)> ReadRequestAsync(HttpContext http)
    {
        var httpRequest = http.Request;
        if (HttpMethods.IsGet(httpRequest.Method))
        {
            var q = httpRequest.Query;
            JsonDocument? variables = null;
            try
            {
                if (!string.IsNullOrEmpty(q["variables"]))
                    variables = JsonDocument.Parse(q["variables"].ToString());
                if (!string.IsNullOrEmpty(q["extensions"]))
                    JsonDocument.Parse(q["extensions"].ToString()).Dispose();
            }
            catch (JsonException)
            {
                variables?.Dispose();
                return (null, null, (StatusCodes.Status400BadRequest, "The 'variables' and 'extensions' parameters must be JSON objects."));
            }
            if (variables is not null && variables.RootElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                variables.Dispose();
                return (null, null, (StatusCodes.Status400BadRequest, "The 'variables' and 'extensions' parameters must be JSON objects."));
            }
            var query = q["query"].ToString();
            if (string.IsNullOrWhiteSpace(query))
            {
                variables?.Dispose();
                return (null, null, (StatusCodes.Status400BadRequest, "The request has no 'query'."));
            }
            var operationName = q["operationName"].ToString();
            return (new GatewayRequest(query, operationName.Length == 0 ? null : operationName, variables?.RootElement ?? default), variables, null);
        }

        var contentType = httpRequest.ContentType;
        if (contentType is null || !MediaTypeIsJson(contentType))
            return (null, null, (StatusCodes.Status415UnsupportedMediaType, "POST requests must have Content-Type: application/json."));
        if (httpRequest.ContentLength > MaxRequestBytes)
            return (null, null, (StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {MaxRequestBytes} bytes."));
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
            sizeFeature.MaxRequestBodySize = MaxRequestBytes;

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(httpRequest.Body, default, http.RequestAborted);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, null, (StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {MaxRequestBytes} bytes."));
        }
        catch (JsonException)
        {
            return (null, null, (StatusCodes.Status400BadRequest, "The request body is not a valid GraphQL request in JSON."));
        }

        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("query", out var queryElement) || queryElement.ValueKind != JsonValueKind.String
            || TextOf(queryElement) is not { } text || string.IsNullOrWhiteSpace(text))
            return (null, document, (StatusCodes.Status400BadRequest, "The request has no 'query' text."));
        string? name = null;
        if (root.TryGetProperty("operationName", out var nameElement))
        {
            if (nameElement.ValueKind == JsonValueKind.String && TextOf(nameElement) is { } given)
                name = given;
            else if (nameElement.ValueKind != JsonValueKind.Null)
                return (null, document, (StatusCodes.Status400BadRequest, "'operationName' must be a string."));
        }
        var variablesElement = default(JsonElement);
        if (root.TryGetProperty("variables", out var v))
        {
            if (v.ValueKind == JsonValueKind.Object)
                variablesElement = v;
            else if (v.ValueKind != JsonValueKind.Null)
                return (null, document, (StatusCodes.Status400BadRequest, "'variables' must be a JSON object."));
        }
        return (new GatewayRequest(text, string.IsNullOrEmpty(name) ? null : name, variablesElement), document, null);
    }

    /// <summary>
    /// A JSON string's text; null when it is no text at all: the reader takes the escape of
    /// half a surrogate pair (<c>\ud800</c>) as four hex digits, and only reading the string
    /// finds it, with an exception that was answered 500.
    /// </summary>
    private static string? TextOf(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private static bool MediaTypeIsJson(string contentType)
    {
        var semicolon = contentType.IndexOf(';');
        var type = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return type.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase);
    }
}
