using Federated.Tests.Infrastructure;

namespace Federated.Tests.Gateway;

/// <summary>
/// The second half of the differential suite (issue 3, point 5): every operation of
/// <see cref="FeatureCorpus"/> goes to the reference gateway and to the .NET gateway over the test-only
/// feature subgraphs (tests/Federated.Gateway.FeatureGraphs), which use every federation feature the
/// product's schema does not. Compared as <see cref="DifferentialComparison"/> compares. The subgraphs'
/// data is reset before each call, so a mutation sent to one gateway never changes what the other reads.
/// </summary>
[Collection(FeatureGraphCollection.Name)]
public sealed class FeatureDifferentialTests(FeatureGraphStack stack)
{
    private static readonly Dictionary<string, DifferentialCase> ByName = FeatureCorpus.Cases.ToDictionary(c => c.Name);

    public static TheoryData<string> Operations => [.. FeatureCorpus.Cases.Select(c => c.Name)];

    [Fact]
    public void Corpus_HasAtLeastFortyOperations_WithDistinctNames()
    {
        Assert.True(FeatureCorpus.Cases.Count >= 40, $"{FeatureCorpus.Cases.Count} operations");
        Assert.Equal(FeatureCorpus.Cases.Count, ByName.Count);
    }

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Operation_AnswersTheSame_OnBothGateways(string operation)
    {
        var @case = ByName[operation];

        var reference = await SendAsync(FeatureGraphStack.ReferenceGateway, @case);
        var dotnet = await SendAsync(FeatureGraphStack.DotnetGateway, @case);

        DifferentialComparison.AssertSameAnswer(@case, reference, dotnet);
    }

    [Fact]
    public async Task Supergraph_IsComposedFromWhatTheFeatureGraphsServe()
    {
        var (exitCode, output) = await ChildProcess.RunAsync("feature-compose-check", "bash",
            [Path.Combine(RepoPaths.FeatureGraphs, "compose.sh"), "--check"], TimeSpan.FromMinutes(3),
            new Dictionary<string, string> { ["FEATURE_GRAPHS_CONFIGURATION"] = RepoPaths.Configuration });

        Assert.True(exitCode == 0,
            $"tests/Federated.Gateway.FeatureGraphs/compose.sh --check failed (exit {exitCode}): run it without --check and commit Schema/.\n{output}");
    }

    private async Task<GraphQLResponse> SendAsync(string gateway, DifferentialCase @case)
    {
        await stack.ResetAsync();
        return await stack.SendAsync(DifferentialComparison.NewRequest(stack.GraphQLUrl(gateway), @case));
    }
}
