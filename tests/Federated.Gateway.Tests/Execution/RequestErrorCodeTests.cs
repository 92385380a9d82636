using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Federated.Gateway.Execution;

namespace Federated.Gateway.Tests.Execution;

/// <summary>The codes of requests that never run, as the reference gateway (and Apollo) give them.</summary>
public class RequestErrorCodeTests
{
    private const string TwoOperations = "query A { __typename } query B { product(id: 1) { name } }";

    [Theory]
    [InlineData(TwoOperations, null)]
    [InlineData(TwoOperations, "C")]
    [InlineData("{ __typename }", "Other")]
    public async Task OperationThatCannotBeTold_IsAnOperationResolutionFailure(string query, string? operationName)
    {
        var error = await SingleErrorAsync(query, operationName, "{}");

        Assert.Equal("OPERATION_RESOLUTION_FAILURE", error["extensions"]!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"id":["p1"]}""")]
    [InlineData("{}")]
    public async Task VariableValueThatDoesNotFitItsType_IsBadUserInput(string variables)
    {
        var error = await SingleErrorAsync("query($id: ID!) { product(id: $id) { name } }", null, variables);

        Assert.Equal("BAD_USER_INPUT", error["extensions"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task UnknownField_StaysAValidationFailure()
    {
        var error = await SingleErrorAsync("query($id: ID!) { product(id: $id) { nope } }", null, """{"id":"p1"}""");

        Assert.Equal("GRAPHQL_VALIDATION_FAILED", error["extensions"]!["code"]!.GetValue<string>());
    }

    private static async Task<JsonNode> SingleErrorAsync(string query, string? operationName, string variables)
    {
        using var document = JsonDocument.Parse(variables);
        var result = await new FakeSubgraphs().Executor(TestSupergraphs.Project())
            .ExecuteAsync(new GatewayRequest(query, operationName, document.RootElement.Clone()), ForwardedHeaders.None, CancellationToken.None);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
            result.WriteTo(writer, includePlan: false);
        var json = JsonNode.Parse(Encoding.UTF8.GetString(stream.ToArray()))!;
        Assert.False(result.Executed);
        Assert.Null(json["data"]);
        return Assert.Single(json["errors"]!.AsArray())!;
    }
}
