using System.Globalization;
using System.Net.Mime;
using System.Text.Json;
using System.Text.RegularExpressions;
using Federated.Kit.Diagnostics;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Kit.GraphQL;

/// <summary>
/// The GraphQL-over-HTTP endpoint (graphql.github.io/graphql-over-http): POST with
/// application/json, GET for queries only, responses in application/graphql-response+json
/// or application/json as the client accepts, and the spec's status codes.
/// </summary>
public static partial class GraphQLHttpEndpoint
{
    public const string Path = "/graphql";
    public const string GraphQLResponseJson = "application/graphql-response+json";
    public const long MaxRequestBytes = 1024 * 1024;

    public static IEndpointConventionBuilder MapGraphQLEndpoint(this IEndpointRouteBuilder endpoints, string path = Path) =>
        endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], HandleAsync);

    private static async Task HandleAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var serializer = services.GetRequiredService<IGraphQLTextSerializer>();
        var mediaType = NegotiateMediaType(http.Request);
        if (mediaType is null)
        {
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status406NotAcceptable, GraphQLResponseJson,
                $"Accept must allow {GraphQLResponseJson} or application/json.");
            return;
        }

        // The request is read before a turn is taken, and the answer sent after it is given
        // back: a turn stands for work, not for a client's network. A client that sent its
        // body a few bytes a second (Kestrel's floor is 240 a second, so a mebibyte may take an
        // hour), or read its answer as slowly, held a turn all that time, and a few hundred such
        // connections refused every other request.
        var (request, error) = await ReadRequestAsync(http, serializer);
        if (error is not null)
        {
            await WriteRequestErrorAsync(http, serializer, error.Value.Status, mediaType, error.Value.Message);
            return;
        }

        IDisposable? turn;
        try
        {
            turn = await services.GetRequiredService<Admission>().EnterAsync(FromAnotherService(http), http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            return; // The caller went away while it waited: nothing to answer.
        }
        if (turn is null)
        {
            services.GetRequiredService<KitCounters>().Count(RefusedCounter);
            http.Response.Headers.RetryAfter = ((int)Admission.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status503ServiceUnavailable, mediaType,
                "The service has more requests than it can answer in time; try again shortly.", ErrorCodes.ServiceUnavailable);
            return;
        }
        MemoryStream? answer;
        using (turn)
            answer = await HandleAdmittedAsync(http, services, serializer, mediaType, request!);
        if (answer is null)
            return;
        await using (answer)
        {
            http.Response.ContentLength = answer.Length;
            answer.Position = 0;
            await answer.CopyToAsync(http.Response.Body, http.RequestAborted);
        }
    }

    /// <summary>
    /// Whether the request comes from another service (its bearer token one this instance has
    /// verified before as a service's): a request that is part of work already taken in, which
    /// <see cref="Admission"/> lets in first. Only remembered tokens count, so nothing is
    /// verified before the turn; a forged one is refused once in.
    /// </summary>
    private static bool FromAnotherService(HttpContext http) =>
        BearerToken(http) is { } token && http.RequestServices.GetRequiredService<AccessTokenValidator>().IsKnownService(token);

    /// <summary>The counter (in /diagnostics/counters) of requests refused for want of a turn (<see cref="Admission"/>).</summary>
    public const string RefusedCounter = "admission.refused";

    /// <summary>
    /// Executes the request, with a turn; the answer is returned to be sent once the turn is
    /// given back, or null when a request error was written instead.
    /// </summary>
    private static async Task<MemoryStream?> HandleAdmittedAsync(HttpContext http, IServiceProvider services, IGraphQLTextSerializer serializer, string mediaType,
        GraphQLRequest request)
    {
        var documents = services.GetRequiredService<ValidatedDocuments>();
        var validated = documents.TryGet(request.Query!, out var cachedDocument);
        var document = validated ? cachedDocument : null;
        try
        {
            document ??= Parser.Parse(request.Query!, new ParserOptions { Ignore = IgnoreOptions.Comments | IgnoreOptions.Locations });
        }
        catch (GraphQLSyntaxErrorException)
        {
            // The executor reports the syntax error with its location; parse again there.
        }
        catch (GraphQLMaxDepthExceededException)
        {
            // Not a syntax error, and the executor's parse would throw it again: answered here,
            // as a request error. A gateway's query can be this deep where its client's was not
            // (fragments spread into one another are written out in full).
            await WriteRequestErrorAsync(http, serializer, mediaType == GraphQLResponseJson ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
                mediaType, "The document is nested too deeply.", ErrorCodes.SyntaxError);
            return null;
        }

        var operation = document is null ? null : FindOperation(document, request.OperationName);
        if (operation?.Operation is OperationType.Mutation or OperationType.Subscription && HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.Headers.Allow = HttpMethods.Post;
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status405MethodNotAllowed, mediaType,
                $"{operation.Operation.ToString().ToLowerInvariant()} operations must be sent with POST.");
            return null;
        }

        // A mutation against a schema without mutations cannot be validated: a request error.
        // So is a subscription, which no service here has (and which this endpoint could not stream).
        if (operation?.Operation is OperationType.Mutation && services.GetRequiredService<ISchema>().Mutation is null
            || operation?.Operation is OperationType.Subscription && services.GetRequiredService<ISchema>().Subscription is null)
        {
            await WriteRequestErrorAsync(http, serializer, mediaType == GraphQLResponseJson ? StatusCodes.Status400BadRequest : StatusCodes.Status200OK,
                mediaType, $"This service has no {(operation.Operation == OperationType.Mutation ? "mutations" : "subscriptions")}.", ErrorCodes.ValidationFailed);
            return null;
        }

        // A request that carries a token it cannot prove is refused whole: treating it as
        // anonymous would hide an expired session from the client.
        if (!await AuthenticateAsync(http))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await WriteRequestErrorAsync(http, serializer, StatusCodes.Status401Unauthorized, mediaType,
                "The access token is missing, malformed, expired or not valid here. Sign in again.", ErrorCodes.Unauthenticated);
            return null;
        }

        var counters = services.GetRequiredService<KitCounters>();
        counters.GraphQLRequest();
        if (operation is not null && SelectsEntities(operation))
            counters.EntityRequest();

        var executer = services.GetRequiredService<IDocumentExecuter<ISchema>>();
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request.Query,
            Document = operation is null ? null : document,
            // Null runs the specification's rules; a document that passed them before needs none.
            ValidationRules = validated ? [] : null,
            OperationName = request.OperationName,
            Variables = request.Variables,
            Extensions = request.Extensions,
            RequestServices = services,
            User = services.GetRequiredService<CurrentUser>().Principal,
            CancellationToken = http.RequestAborted,
        });

        if (!validated && result.Executed && operation is not null)
            documents.Add(request.Query!, document!);

        // A request that never executed (syntax, validation or variable errors) is a client
        // error under the GraphQL response media type; under plain JSON the spec keeps 200.
        http.Response.StatusCode = !result.Executed && mediaType == GraphQLResponseJson
            ? StatusCodes.Status400BadRequest
            : StatusCodes.Status200OK;
        http.Response.ContentType = $"{mediaType}; charset=utf-8";
        var answer = new MemoryStream();
        await serializer.WriteAsync(answer, result, http.RequestAborted);
        return answer;
    }

    /// <summary>
    /// Fills in the request's <see cref="CurrentUser"/> from <c>Authorization: Bearer</c>;
    /// false when the header is present but does not hold a valid access token.
    /// </summary>
    private static async Task<bool> AuthenticateAsync(HttpContext http)
    {
        if (http.Request.Headers.Authorization.Count == 0)
            return true;
        if (BearerToken(http) is not { } token)
            return false;
        var identity = await http.RequestServices.GetRequiredService<AccessTokenValidator>().ValidateAsync(token);
        if (identity is null)
            return false;
        http.RequestServices.GetRequiredService<CurrentUser>().Authenticate(identity);
        return true;
    }

    /// <summary>The token of the request's one <c>Authorization: Bearer</c> header; null when there is none, or another.</summary>
    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization;
        const string scheme = "Bearer ";
        return header.Count == 1 && header[0] is { } value && value.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? value[scheme.Length..].Trim() : null;
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

    private static async Task<(GraphQLRequest? Request, (int Status, string Message)? Error)> ReadRequestAsync(HttpContext http, IGraphQLTextSerializer serializer)
    {
        var httpRequest = http.Request;
        GraphQLRequest? request;
        if (HttpMethods.IsGet(httpRequest.Method))
        {
            var q = httpRequest.Query;
            try
            {
                request = new GraphQLRequest
                {
                    Query = q["query"],
                    OperationName = NullIfEmpty(q["operationName"]),
                    Variables = string.IsNullOrEmpty(q["variables"]) ? null : serializer.Deserialize<Inputs>(q["variables"]),
                    Extensions = string.IsNullOrEmpty(q["extensions"]) ? null : serializer.Deserialize<Inputs>(q["extensions"]),
                };
            }
            catch (Exception ex) when (IsUnreadable(ex))
            {
                return (null, (StatusCodes.Status400BadRequest, "The 'variables' and 'extensions' parameters must be JSON objects."));
            }
        }
        else
        {
            var contentType = httpRequest.ContentType;
            if (contentType is null || !MediaTypeIsJson(contentType))
                return (null, (StatusCodes.Status415UnsupportedMediaType, "POST requests must have Content-Type: application/json."));

            if (httpRequest.ContentLength > MaxRequestBytes)
                return (null, (StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {MaxRequestBytes} bytes."));
            var sizeFeature = http.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (sizeFeature is { IsReadOnly: false })
                sizeFeature.MaxRequestBodySize = MaxRequestBytes;

            try
            {
                request = await serializer.ReadAsync<GraphQLRequest>(httpRequest.Body, http.RequestAborted);
            }
            catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return (null, (StatusCodes.Status413PayloadTooLarge, $"The request body exceeds {MaxRequestBytes} bytes."));
            }
            catch (Exception ex) when (IsUnreadable(ex))
            {
                return (null, (StatusCodes.Status400BadRequest, "The request body is not a valid GraphQL request in JSON."));
            }
        }

        if (request is null || string.IsNullOrWhiteSpace(request.Query))
            return (null, (StatusCodes.Status400BadRequest, "The request has no 'query'."));
        // An empty name is no name, as in a GET's URL: the executor takes it so, and the checks
        // below must too (they looked for an operation named "", found none, and let a
        // mutation through to a service without mutations).
        request.OperationName = NullIfEmpty(request.OperationName);
        if (HasUnstorableText(request))
            return (null, (StatusCodes.Status400BadRequest, "Text in the request may not contain the NUL character (U+0000) or half of a UTF-16 surrogate pair."));
        return (request, null);
    }

    /// <summary>
    /// Whether the query (as a raw character or a string literal's escape) or a variable's text
    /// holds U+0000, or half of a UTF-16 surrogate pair (no character at all). PostgreSQL stores
    /// neither in text (Npgsql cannot even encode the second), so every store would refuse them
    /// deep in a resolver, failing a whole batch; they are refused here instead, for every field.
    /// </summary>
    private static bool HasUnstorableText(GraphQLRequest request) =>
        IsUnstorable(request.Query!) || UnstorableEscape().IsMatch(request.Query!) || request.Variables is { } variables && HasUnstorableText(variables);

    private static bool HasUnstorableText(object? value) => value switch
    {
        string text => IsUnstorable(text),
        IEnumerable<KeyValuePair<string, object?>> fields => fields.Any(f => IsUnstorable(f.Key) || HasUnstorableText(f.Value)),
        System.Collections.IEnumerable items => items.Cast<object?>().Any(HasUnstorableText),
        _ => false,
    };

    private static bool IsUnstorable(string text)
    {
        if (text.Contains('\0'))
            return true;
        for (var i = text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (char.IsSurrogate(text[i]))
                return true;
        }
        return false;
    }

    /// <summary>
    /// A GraphQL string escape of U+0000 (<c>\u0000</c>, <c>\u{0}</c>), of a high surrogate not
    /// followed by a low one's escape, of a low surrogate not after a high one's, or of a
    /// surrogate in braces (<c>\u{D800}</c>, never a character); an escape, that is, after an
    /// even number of backslashes (<c>\\u0000</c> is a backslash and the text <c>u0000</c>).
    /// </summary>
    [GeneratedRegex(@"(?<!\\)(?:\\\\)*(?:\\u(0000|\{0+\})|\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}|\\u\{0*[dD][89a-fA-F][0-9a-fA-F]{2}\})", RegexOptions.IgnoreCase)]
    private static partial Regex UnstorableEscape();

    private static bool MediaTypeIsJson(string contentType)
    {
        var semicolon = contentType.IndexOf(';');
        var type = (semicolon < 0 ? contentType : contentType[..semicolon]).Trim();
        return type.Equals(MediaTypeNames.Application.Json, StringComparison.OrdinalIgnoreCase);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    /// <summary>
    /// What the JSON reader throws for a body or parameter that is not a GraphQL request: besides
    /// malformed JSON, a variable named twice (<see cref="ArgumentException"/>, from the inputs'
    /// dictionary), which was answered 500, as the gateway's was until it caught it; and, as the
    /// gateway catches them, what a number the reader cannot hold may throw
    /// (<see cref="NotImplementedException"/>, <see cref="OverflowException"/>).
    /// </summary>
    private static bool IsUnreadable(Exception ex) =>
        ex is JsonException or FormatException or InvalidOperationException or NotSupportedException
            or ArgumentException or NotImplementedException or OverflowException;

    private static GraphQLOperationDefinition? FindOperation(GraphQLDocument document, string? name)
    {
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        if (name is null)
            return operations.Count == 1 ? operations[0] : null;
        return operations.FirstOrDefault(o => o.Name is { } n && n.Value == name);
    }

    private static bool SelectsEntities(GraphQLOperationDefinition operation) =>
        operation.SelectionSet.Selections.OfType<GraphQLField>().Any(f => f.Name.Value == "_entities");

    private static async Task WriteRequestErrorAsync(HttpContext http, IGraphQLTextSerializer serializer, int status, string mediaType, string message, string code = ErrorCodes.BadRequest)
    {
        http.Response.StatusCode = status;
        http.Response.ContentType = $"{mediaType}; charset=utf-8";
        var result = new ExecutionResult(new GraphQLFailure(code, message)) { Executed = false };
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}
