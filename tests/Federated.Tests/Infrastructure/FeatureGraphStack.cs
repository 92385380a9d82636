using System.Globalization;

namespace Federated.Tests.Infrastructure;

/// <summary>
/// Starts the feature subgraphs (tests/Federated.Gateway.FeatureGraphs: one process, one port per
/// subgraph, data in memory) and both gateways over their committed supergraph. No stores: this
/// fixture needs neither PostgreSQL nor Redis. A service that cannot start fails the tests that use it
/// with the reason and the tail of its log.
/// </summary>
public sealed class FeatureGraphStack : IAsyncLifetime
{
    public const string ReferenceGateway = "feature-gateway";
    public const string DotnetGateway = "feature-dotnet-gateway";
    public static readonly IReadOnlyList<string> Subgraphs = ["accounts", "products", "inventory", "reviews"];

    // Every request of both gateways draws 0.5 for its progressive override labels: percent(90)
    // holds, percent(10) does not (the variable is Hive Gateway's; the .NET gateway reads it too).
    private const string OverrideDrawVariable = "PROGRESSIVE_OVERRIDE_RNG";
    private const string OverrideDraw = "0.5";

    private const string Host = "127.0.0.1";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, Uri> _baseUrls = [];
    private readonly Dictionary<string, string> _unavailable = [];
    private readonly List<ChildProcess> _processes = [];

    public static string Supergraph => Path.Combine(RepoPaths.FeatureGraphs, "Schema", "supergraph.graphql");

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    public async Task InitializeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        try
        {
            var subgraphUrls = await StartFeatureGraphsAsync();
            await Task.WhenAll(StartReferenceGatewayAsync(subgraphUrls), StartDotnetGatewayAsync(subgraphUrls));
        }
        catch
        {
            StopAll();
            throw;
        }
    }

    public Task DisposeAsync()
    {
        StopAll();
        Http.Dispose();
        return Task.CompletedTask;
    }

    public Uri GraphQLUrl(string service)
    {
        lock (_baseUrls)
        {
            if (_baseUrls.TryGetValue(service, out var url))
                return new Uri(url, "graphql");
            throw new Xunit.Sdk.XunitException(_unavailable.GetValueOrDefault(service) ?? $"Unknown service '{service}'.");
        }
    }

    /// <summary>Puts the feature subgraphs' data back to the seed (they share one store, so one call does).</summary>
    public async Task ResetAsync()
    {
        var url = new Uri(GraphQLUrl(Subgraphs[0]), "/reset");
        using var response = await Http.PostAsync(url, content: null);
        Assert.True(response.IsSuccessStatusCode, $"POST {url}: {(int)response.StatusCode}");
    }

    /// <summary>Sends a request and parses the answer; every answer is checked for leaked internals.</summary>
    public async Task<GraphQLResponse> SendAsync(HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            ResponseGuard.AssertNoInternals(body);
            return new GraphQLResponse(response, body);
        }
    }

    /// <summary>FEDERATED_SUBGRAPH_URL_NAME for every feature subgraph, or an empty map if they did not start.</summary>
    private async Task<Dictionary<string, string>> StartFeatureGraphsAsync()
    {
        if (!File.Exists(RepoPaths.FeatureGraphsAssembly))
        {
            foreach (var name in Subgraphs)
                Unavailable(name, $"{RepoPaths.FeatureGraphsAssembly} does not exist: build tests/Federated.Tests (it builds the feature graphs).");
            return [];
        }
        var ports = Subgraphs.ToDictionary(s => s, _ => ServiceProbe.FreePort());
        var process = Start("feature-graphs", "dotnet",
            [RepoPaths.FeatureGraphsAssembly, "--ports", string.Join(',', ports.Select(p => $"{p.Key}={p.Value.ToString(CultureInfo.InvariantCulture)}"))],
            RepoPaths.FeatureGraphs, []);
        var environment = new Dictionary<string, string>();
        foreach (var (name, port) in ports)
        {
            var baseUrl = new Uri($"http://{Host}:{port}/");
            await WaitUntilReadyAsync(name, process, new Uri(baseUrl, "health"), baseUrl);
            environment[$"FEDERATED_SUBGRAPH_URL_{name.ToUpperInvariant()}"] = new Uri(baseUrl, "graphql").ToString();
        }
        return environment;
    }

    private async Task StartReferenceGatewayAsync(Dictionary<string, string> subgraphUrls)
    {
        var baseUrl = new Uri($"http://{Host}:{ServiceProbe.FreePort()}/");
        var environment = WithClosedPortsForMissing(subgraphUrls);
        environment["FEDERATED_GATEWAY_HOST"] = Host;
        environment["FEDERATED_GATEWAY_PORT"] = baseUrl.Port.ToString(CultureInfo.InvariantCulture);
        environment["FEDERATED_GATEWAY_LOG_LEVEL"] = "warn";
        environment[OverrideDrawVariable] = OverrideDraw;
        var process = Start(ReferenceGateway, "bash", [RepoPaths.InRepo("gateway", "reference", "run.sh"), Supergraph], RepoPaths.Root, environment);
        await WaitUntilReadyAsync(ReferenceGateway, process, new Uri(baseUrl, "readiness"), baseUrl);
    }

    private async Task StartDotnetGatewayAsync(Dictionary<string, string> subgraphUrls)
    {
        if (!File.Exists(RepoPaths.GatewayAssembly))
        {
            Unavailable(DotnetGateway, $"{RepoPaths.GatewayAssembly} does not exist: build tests/Federated.Tests (it builds the gateway).");
            return;
        }
        var baseUrl = new Uri($"http://{Host}:{ServiceProbe.FreePort()}/");
        var environment = WithClosedPortsForMissing(subgraphUrls);
        environment["FEDERATED_SUPERGRAPH"] = Supergraph;
        environment["FEDERATED_GATEWAY_HOST"] = Host;
        environment["FEDERATED_GATEWAY_PORT"] = baseUrl.Port.ToString(CultureInfo.InvariantCulture);
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["Logging__LogLevel__Default"] = "Warning";
        environment[OverrideDrawVariable] = OverrideDraw;
        var process = Start(DotnetGateway, "dotnet", [RepoPaths.GatewayAssembly], RepoPaths.InRepo("gateway", "Federated.Gateway"), environment);
        await WaitUntilReadyAsync(DotnetGateway, process, new Uri(baseUrl, "health"), baseUrl);
    }

    /// <summary>A copy of the subgraph URLs where a subgraph that did not start points at a closed port, never at a development instance.</summary>
    private static Dictionary<string, string> WithClosedPortsForMissing(Dictionary<string, string> subgraphUrls)
    {
        var environment = new Dictionary<string, string>(subgraphUrls);
        foreach (var name in Subgraphs)
            environment.TryAdd($"FEDERATED_SUBGRAPH_URL_{name.ToUpperInvariant()}", $"http://{Host}:{ServiceProbe.ClosedPort}/graphql");
        return environment;
    }

    private ChildProcess Start(string name, string fileName, string[] arguments, string workingDirectory, Dictionary<string, string> environment)
    {
        var process = ChildProcess.Start(name, fileName, arguments, workingDirectory, environment);
        lock (_processes)
            _processes.Add(process);
        return process;
    }

    private async Task WaitUntilReadyAsync(string name, ChildProcess process, Uri readyUrl, Uri baseUrl)
    {
        var failure = await ServiceProbe.WaitUntilReadyAsync(name, process, readyUrl, StartTimeout);
        if (failure is not null)
        {
            Unavailable(name, failure);
            return;
        }
        lock (_baseUrls)
            _baseUrls[name] = baseUrl;
    }

    private void Unavailable(string name, string reason)
    {
        lock (_baseUrls)
            _unavailable[name] = reason;
    }

    private void StopAll()
    {
        List<ChildProcess> processes;
        lock (_processes)
        {
            processes = [.. _processes];
            _processes.Clear();
        }
        foreach (var process in Enumerable.Reverse(processes))
            process.Dispose();
    }
}

/// <summary>The feature-graph tests: their own services, started once; no database.</summary>
[CollectionDefinition(Name)]
public sealed class FeatureGraphCollection : ICollectionFixture<FeatureGraphStack>
{
    public const string Name = "feature-graphs";
}
