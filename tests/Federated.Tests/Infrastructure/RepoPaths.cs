namespace Federated.Tests.Infrastructure;

/// <summary>Where the repository and the build output are, found from the test assembly's own location.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The build configuration the tests were built in (the subgraphs were built in the same one).</summary>
    public static string Configuration { get; } = FindConfiguration();

    public static string LogDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "logs");

    public static string Subgraph(string project) => Path.Combine(Root, "subgraphs", project);

    public static string SubgraphAssembly(string project) =>
        Path.Combine(Subgraph(project), "bin", Configuration, "net10.0", project + ".dll");

    public static string GatewayAssembly =>
        Path.Combine(Root, "gateway", "Federated.Gateway", "bin", Configuration, "net10.0", "Federated.Gateway.dll");

    public static string FeatureGraphs => Path.Combine(Root, "tests", "Federated.Gateway.FeatureGraphs");

    public static string FeatureGraphsAssembly =>
        Path.Combine(FeatureGraphs, "bin", Configuration, "net10.0", "Federated.Gateway.FeatureGraphs.dll");

    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Federated.sln"))
                || File.Exists(Path.Combine(dir.FullName, "eng", "services.env")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"No Federated.sln or eng/services.env above {AppContext.BaseDirectory}.");
    }

    // The test assembly lives in tests/Federated.Tests/bin/<Configuration>/<tfm>/.
    private static string FindConfiguration() =>
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent?.Name
        ?? throw new InvalidOperationException($"Cannot tell the build configuration from {AppContext.BaseDirectory}.");
}
