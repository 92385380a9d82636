using Federated.Tests.Infrastructure;
using Snapshooter;
using Snapshooter.Xunit;

namespace Federated.Tests.Schema;

/// <summary>
/// A schema change must show up as a reviewed diff: in the committed SDL under schema/, in the
/// composed supergraph, and in the snapshots beside this file.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class SchemaTests(FederatedStack stack)
{
    public static TheoryData<string> Subgraphs => [.. ServiceNames.Subgraphs.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Subgraphs))]
    public async Task ServiceSdl_EqualsCommittedSchemaFile(string subgraph)
    {
        var sdl = await ServiceSdlAsync(subgraph);
        var path = RepoPaths.InRepo("schema", $"{subgraph}.graphql");

        Assert.True(File.Exists(path), $"schema/{subgraph}.graphql does not exist: run eng/export-schema.sh and commit it.");
        var committed = Normalize(await File.ReadAllTextAsync(path));
        Assert.True(committed == sdl,
            $"schema/{subgraph}.graphql differs from what the {subgraph} subgraph serves: run eng/export-schema.sh and commit the result.\n{FirstDifference(committed, sdl)}");
    }

    [Theory]
    [MemberData(nameof(Subgraphs))]
    public async Task ServiceSdl_MatchesSnapshot(string subgraph)
    {
        var sdl = await ServiceSdlAsync(subgraph);

        Snapshot.Match(sdl, SnapshotNameExtension.Create(subgraph));
    }

    [Fact]
    public async Task Supergraph_IsComposedFromTheCommittedSchemaFiles()
    {
        var (exitCode, output) = await ChildProcess.RunAsync("compose-check", "bash",
            [RepoPaths.InRepo("eng", "compose.sh"), "--check"], TimeSpan.FromMinutes(3));

        Assert.True(exitCode == 0, $"eng/compose.sh --check failed (exit {exitCode}): run eng/compose.sh and commit schema/supergraph.graphql.\n{output}");
    }

    private async Task<string> ServiceSdlAsync(string subgraph)
    {
        var response = await stack.PostAsync(subgraph, "{ _service { sdl } }");
        return Normalize(response.Data.GetProperty("_service").GetProperty("sdl").GetString()!);
    }

    // The same normalization as the kit's --export-schema.
    private static string Normalize(string sdl) => sdl.ReplaceLineEndings("\n").TrimEnd() + "\n";

    private static string FirstDifference(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
            i++;
        return $"first difference at line {i + 1}:\n  committed: {(i < a.Length ? a[i] : "<end>")}\n  served:    {(i < b.Length ? b[i] : "<end>")}";
    }
}
