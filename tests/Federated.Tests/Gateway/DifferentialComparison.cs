using System.Text.Json;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Gateway;

/// <summary>
/// How the differential suites (<see cref="DifferentialTests"/> over the product's subgraphs,
/// <see cref="FeatureDifferentialTests"/> over the feature subgraphs) send an operation and compare the
/// two gateways' answers: the HTTP status, the media type, <c>data</c> as a JSON tree in order (keys,
/// key order and values), and the errors as (path, extensions.code). A <see cref="KnownDifference"/>
/// holds the .NET gateway to the spec's answer instead, in full.
/// </summary>
public static class DifferentialComparison
{
    public const string GraphQLResponseJson = "application/graphql-response+json";

    private static readonly JsonElement NullData = JsonDocument.Parse("null").RootElement.Clone();

    /// <summary>The POST request for an operation, with an explicit Accept.</summary>
    public static HttpRequestMessage NewRequest(Uri url, DifferentialCase @case)
    {
        var body = JsonSerializer.Serialize(new { query = @case.Query, variables = @case.Variables, operationName = @case.OperationName });
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
        };
        // Explicit, because the defaults differ by design: without Accept the reference gateway answers as
        // for application/json (200 even for a request error), the project's services as for
        // application/graphql-response+json (see GraphQLHttpEndpointTests.ResponseContentType_FollowsAccept).
        request.Headers.TryAddWithoutValidation("Accept", @case.Accept ?? GraphQLResponseJson);
        return request;
    }

    /// <summary>
    /// Asserts that the two answers are the same, or, for a known difference, that the .NET gateway's is
    /// the expected one. <paramref name="normalizeData"/> rewrites the raw <c>data</c> JSON of both
    /// before comparing (values that differ by design, such as ids each call makes for itself).
    /// </summary>
    public static void AssertSameAnswer(DifferentialCase @case, GraphQLResponse reference, GraphQLResponse dotnet, Func<string, string>? normalizeData = null)
    {
        var context = $"{@case.Name}\nreference: {reference}\ndotnet:    {dotnet}";
        if (@case.Known is { } known)
        {
            AssertAnswers(known, dotnet, context, normalizeData);
            return;
        }
        Assert.True(reference.Status == dotnet.Status, $"HTTP status differs: {(int)reference.Status} vs {(int)dotnet.Status}\n{context}");
        Assert.True(reference.MediaType == dotnet.MediaType, $"media type differs\n{context}");
        var referenceData = Data(reference, normalizeData, reference: true);
        var dotnetData = Data(dotnet, normalizeData);
        var difference = JsonDifference("data", referenceData, dotnetData);
        Assert.True(difference is null, $"data differs at {difference}\n{context}");
        Assert.True(ErrorKeys(reference).SequenceEqual(ErrorKeys(dotnet)),
            $"errors differ:\n  reference: {string.Join(", ", ErrorKeys(reference))}\n  dotnet:    {string.Join(", ", ErrorKeys(dotnet))}\n{context}");
        // Not a vacuous comparison: every operation answers something.
        Assert.True(referenceData is not null || ErrorKeys(reference).Count > 0, context);
    }

    /// <summary>A known difference: the .NET gateway's answer is held to what the spec requires, in full.</summary>
    private static void AssertAnswers(KnownDifference known, GraphQLResponse dotnet, string context, Func<string, string>? normalizeData)
    {
        context = $"{context}\nknown difference: {known.Why}";
        Assert.True(known.Status == (int)dotnet.Status, $"HTTP status: expected {known.Status}\n{context}");
        JsonElement? expected = null;
        if (known.Data is not null)
        {
            using var document = JsonDocument.Parse(known.Data);
            expected = document.RootElement.Clone();
        }
        var difference = JsonDifference("data", expected, Data(dotnet, normalizeData));
        Assert.True(difference is null, $"data differs from the expected at {difference}\n{context}");
        var errors = known.Errors.Order(StringComparer.Ordinal).ToList();
        Assert.True(errors.SequenceEqual(ErrorKeys(dotnet)),
            $"errors differ:\n  expected: {string.Join(", ", errors)}\n  dotnet:   {string.Join(", ", ErrorKeys(dotnet))}\n{context}");
    }

    private static JsonElement? Data(GraphQLResponse response, Func<string, string>? normalizeData, bool reference = false)
    {
        if (!response.Json.TryGetProperty("data", out var data))
            return reference && HiveLeftOutNullData(response) ? NullData : null;
        var normalised = normalizeData is null ? data.GetRawText() : normalizeData(data.GetRawText());
        using var document = JsonDocument.Parse(normalised);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// A Hive Gateway quirk: when an execution error nulls the whole result (a non-null root field
    /// failed), it leaves <c>data</c> out, where the spec (7.1.2, "Data") says <c>"data": null</c>, which the
    /// subgraphs and the .NET gateway send. Only an answer of the reference gateway is read this way, and
    /// only when its errors have paths (errors of execution; a request error has none and no data):
    /// the .NET gateway must then answer <c>"data": null</c>, not leave data out.
    /// </summary>
    private static bool HiveLeftOutNullData(GraphQLResponse reference) =>
        !reference.Json.TryGetProperty("data", out _) && reference.Errors.Count > 0 && reference.Errors.All(e => e.TryGetProperty("path", out _));

    /// <summary>
    /// Errors as (path, extensions.code), sorted. Messages are left out: the two gateways word their own
    /// errors (validation, null propagation) differently, and both pass subgraph messages through anyway.
    /// Sorted, because the spec gives errors no order and fetches that run in parallel finish in any order.
    /// </summary>
    public static List<string> ErrorKeys(GraphQLResponse response) =>
        [.. response.Errors
            .Select(e =>
            {
                var path = e.TryGetProperty("path", out var p) ? p.GetRawText() : "(no path)";
                var code = e.TryGetProperty("extensions", out var x) && x.TryGetProperty("code", out var c) ? c.GetString() : "(no code)";
                return $"{path} {code}";
            })
            .Order(StringComparer.Ordinal)];

    /// <summary>The first place where two JSON trees differ (kind, key, key order, array length or value), or null.</summary>
    public static string? JsonDifference(string path, JsonElement? expected, JsonElement? actual)
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: {(expected is null ? "absent" : "present")} vs {(actual is null ? "absent" : "present")}";
        var (a, b) = (expected.Value, actual.Value);
        if (a.ValueKind != b.ValueKind)
            return $"{path}: {a.GetRawText()} vs {b.GetRawText()}";
        switch (a.ValueKind)
        {
            case JsonValueKind.Object:
                var left = a.EnumerateObject().ToList();
                var right = b.EnumerateObject().ToList();
                if (!left.Select(p => p.Name).SequenceEqual(right.Select(p => p.Name)))
                    return $"{path}: keys [{string.Join(", ", left.Select(p => p.Name))}] vs [{string.Join(", ", right.Select(p => p.Name))}]";
                for (var i = 0; i < left.Count; i++)
                {
                    if (JsonDifference($"{path}.{left[i].Name}", left[i].Value, right[i].Value) is { } inner)
                        return inner;
                }
                return null;
            case JsonValueKind.Array:
                if (a.GetArrayLength() != b.GetArrayLength())
                    return $"{path}: {a.GetArrayLength()} items vs {b.GetArrayLength()}";
                for (var i = 0; i < a.GetArrayLength(); i++)
                {
                    if (JsonDifference($"{path}[{i}]", a[i], b[i]) is { } inner)
                        return inner;
                }
                return null;
            default:
                // Strings compared as decoded text; numbers as written (1.0 and 1 would differ).
                var same = a.ValueKind == JsonValueKind.String ? a.GetString() == b.GetString() : a.GetRawText() == b.GetRawText();
                return same ? null : $"{path}: {a.GetRawText()} vs {b.GetRawText()}";
        }
    }
}
