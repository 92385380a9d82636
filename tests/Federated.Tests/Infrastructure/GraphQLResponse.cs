using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Federated.Tests.Infrastructure;

/// <summary>An HTTP response from a GraphQL endpoint, with its body parsed as JSON.</summary>
public sealed class GraphQLResponse
{
    private readonly JsonElement? _json;

    public GraphQLResponse(HttpResponseMessage response, string body)
    {
        Status = response.StatusCode;
        MediaType = response.Content.Headers.ContentType?.MediaType;
        Allow = response.Content.Headers.Allow;
        RetryAfter = response.Headers.RetryAfter?.Delta;
        Body = body;
        try
        {
            using var document = JsonDocument.Parse(body);
            _json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            _json = null;
        }
    }

    public HttpStatusCode Status { get; }

    public string? MediaType { get; }

    public ICollection<string> Allow { get; }

    public TimeSpan? RetryAfter { get; }

    public string Body { get; }

    public JsonElement Json => _json ?? throw new Xunit.Sdk.XunitException($"The response ({(int)Status}) is not JSON:\n{Body}");

    public IReadOnlyList<JsonElement> Errors =>
        Json.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array ? [.. errors.EnumerateArray()] : [];

    /// <summary>The <c>extensions.code</c> of every error.</summary>
    public IReadOnlyList<string?> ErrorCodes =>
        [.. Errors.Select(e => e.TryGetProperty("extensions", out var x) && x.TryGetProperty("code", out var c) ? c.GetString() : null)];

    /// <summary>The <c>data</c> of a successful response; fails with the body when there were errors.</summary>
    public JsonElement Data
    {
        get
        {
            if (Status != HttpStatusCode.OK || Errors.Count > 0 || !Json.TryGetProperty("data", out var data))
                throw new Xunit.Sdk.XunitException($"Expected data without errors, got {(int)Status}:\n{Body}");
            return data;
        }
    }

    /// <summary>Asserts a single error with the given code and returns it.</summary>
    public JsonElement SingleError(string code)
    {
        Assert.True(Errors.Count == 1 && ErrorCodes[0] == code, $"Expected one error with code {code}, got {(int)Status}:\n{Body}");
        return Errors[0];
    }

    public override string ToString() => $"{(int)Status} {MediaType}: {Body}";
}

/// <summary>Checks that a response leaks nothing of the server's insides.</summary>
public static class ResponseGuard
{
    private static readonly System.Text.RegularExpressions.Regex ExceptionTypeName =
        new(@"\b(System|Microsoft|Npgsql|Marten|GraphQL|Federated)(\.\w+)+\b|\b\w+Exception\b", System.Text.RegularExpressions.RegexOptions.Compiled);

    public static void AssertNoInternals(string body)
    {
        Assert.False(body.Contains("   at ", StringComparison.Ordinal), $"The response contains a stack trace:\n{body}");
        var match = ExceptionTypeName.Match(body);
        Assert.False(match.Success, $"The response names a .NET type ('{match.Value}'):\n{body}");
    }
}
