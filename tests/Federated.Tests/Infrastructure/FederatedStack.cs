using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Federated.Tests.Infrastructure;

/// <summary>
/// Starts the system once for all tests: the local stores (eng/stack.sh), fresh test databases,
/// every subgraph as a child process on a free loopback port, and both gateways (the reference
/// gateway and the .NET gateway) over the committed supergraph, pointed at those ports. A service
/// that cannot start does not stop the others: its tests fail with the reason and the tail of its log.
/// </summary>
public sealed partial class FederatedStack : IAsyncLifetime
{
    public const int SeededProducts = 1_000;
    public const int SeededReviews = 12_000;

    // Generous: on a fresh machine eng/stack.sh installs packages and run.sh runs npm ci.
    private static readonly TimeSpan StackTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan SubgraphStartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan GatewayStartTimeout = TimeSpan.FromMinutes(3);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Uri> _baseUrls = [];
    private readonly Dictionary<string, string> _unavailable = [];
    private readonly List<ChildProcess> _processes = [];

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(60) };

    /// <summary>Unique per test run: tests make their own accounts with it, and Redis keys of a run carry it.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..12];

    public StackSettings Settings { get; private set; } = null!;

    /// <summary>The secret the payment provider's webhooks are signed with in this run.</summary>
    public string WebhookSecret => $"whsec_test_{RunId}";

    public async Task InitializeAsync()
    {
        // A safety net for a test host that ends without disposing its fixtures.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAll();
        try
        {
            await StartAsync();
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

    /// <summary>The root URL of a running service; fails the calling test if it is not running.</summary>
    public Uri BaseUrl(string service)
    {
        lock (_gate)
        {
            if (_baseUrls.TryGetValue(service, out var url))
                return url;
            throw new Xunit.Sdk.XunitException(_unavailable.GetValueOrDefault(service) ?? $"Unknown service '{service}'.");
        }
    }

    public Uri GraphQLUrl(string service) => new(BaseUrl(service), "graphql");

    /// <summary>POSTs a GraphQL request (application/json) and parses the answer.</summary>
    public Task<GraphQLResponse> PostAsync(string service, string query, object? variables = null, string? accept = null) =>
        PostAsync(service, query, variables, accept, headers: null);

    /// <summary>POSTs a GraphQL request with extra headers (Authorization, or headers a client might forge).</summary>
    public Task<GraphQLResponse> PostAsync(string service, string query, object? variables, string? accept, IReadOnlyDictionary<string, string>? headers)
    {
        var body = JsonSerializer.Serialize(new { query, variables });
        var request = new HttpRequestMessage(HttpMethod.Post, GraphQLUrl(service))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (accept is not null)
            request.Headers.TryAddWithoutValidation("Accept", accept);
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
            request.Headers.TryAddWithoutValidation(name, value);
        return SendAsync(request);
    }

    /// <summary>Sends any request and parses the answer; every answer is checked for leaked internals.</summary>
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

    public async Task<Counters> GetCountersAsync(string service)
    {
        using var response = await Http.GetAsync(new Uri(BaseUrl(service), "diagnostics/counters"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"GET /diagnostics/counters on {service}: {(int)response.StatusCode} {body}");
        return Counters.Parse(body);
    }

    /// <summary>
    /// Runs <paramref name="action"/> twice and returns how each service's counters changed during
    /// the second run. The first run warms up: the claims are about a request's own work, while a
    /// cold service also opens pooled connections, which the store counter sees as extra round trips.
    /// </summary>
    public async Task<(T Result, IReadOnlyDictionary<string, Counters> Delta)> MeasureAsync<T>(Func<Task<T>> action, params string[] services)
    {
        await action();
        var before = new Dictionary<string, Counters>();
        foreach (var service in services)
            before[service] = await GetCountersAsync(service);
        var result = await action();
        var delta = new Dictionary<string, Counters>();
        foreach (var service in services)
            delta[service] = (await GetCountersAsync(service)).Since(before[service]);
        return (result, delta);
    }

    private async Task StartAsync()
    {
        var (exitCode, output) = await ChildProcess.RunAsync("stack", "bash", [RepoPaths.InRepo("eng", "stack.sh"), "start"], StackTimeout);
        if (exitCode != 0)
            throw new InvalidOperationException($"eng/stack.sh start failed (exit {exitCode}):\n{output}");
        Settings = await StackSettings.ReadAsync();

        var present = new List<Subgraph>();
        foreach (var subgraph in ServiceNames.Subgraphs)
        {
            if (File.Exists(RepoPaths.SubgraphAssembly(subgraph.Project)))
                present.Add(subgraph);
            else
                _unavailable[subgraph.Name] = Directory.Exists(RepoPaths.Subgraph(subgraph.Project))
                    ? $"{RepoPaths.SubgraphAssembly(subgraph.Project)} does not exist: build tests/Federated.Tests (it builds the subgraphs)."
                    : $"subgraphs/{subgraph.Project} does not exist.";
        }

        using var cts = new CancellationTokenSource(StackTimeout);
        await TestDatabases.RecreateAsync(Settings, present.Select(s => s.Database), cts.Token);
        // Ports first: a subgraph that calls another (orders calls the catalog) learns its URL.
        var baseUrls = present.ToDictionary(s => s.Name, _ => new Uri($"http://{Settings.Host}:{FreePort()}/"));
        _subgraphUrls = baseUrls;
        await Task.WhenAll(present.Select(s => StartSubgraphAsync(s, baseUrls)));
        await Task.WhenAll(StartGatewayAsync(), StartDotnetGatewayAsync());
    }

    private async Task StartSubgraphAsync(Subgraph subgraph, IReadOnlyDictionary<string, Uri> baseUrls)
    {
        var baseUrl = baseUrls[subgraph.Name];
        var process = Start(subgraph.Name, "dotnet", [RepoPaths.SubgraphAssembly(subgraph.Project)], RepoPaths.Subgraph(subgraph.Project),
            SubgraphEnvironment(subgraph, baseUrl, baseUrls));
        await WaitUntilReadyAsync(subgraph.Name, process, new Uri(baseUrl, "health/ready"), SubgraphStartTimeout, baseUrl);
    }

    private IReadOnlyDictionary<string, Uri> _subgraphUrls = new Dictionary<string, Uri>();

    /// <summary>
    /// Starts one more instance of a subgraph, as a separate process on its own port, over the
    /// same stores and settings as the running one (plus <paramref name="overrides"/>), reachable
    /// as service <paramref name="instanceName"/>. For crash tests: the caller kills it with
    /// <see cref="ChildProcess.Dispose"/> (the whole process tree, at once) and may start it again.
    /// </summary>
    public async Task<ChildProcess> StartInstanceAsync(string subgraphName, string instanceName, IReadOnlyDictionary<string, string> overrides)
    {
        var subgraph = Subgraph.Named(subgraphName);
        var baseUrl = new Uri($"http://{Settings.Host}:{FreePort()}/");
        var environment = SubgraphEnvironment(subgraph, baseUrl, _subgraphUrls);
        foreach (var (key, value) in overrides)
            environment[key] = value;
        lock (_gate)
        {
            _baseUrls.Remove(instanceName);
            _unavailable.Remove(instanceName);
        }
        var process = Start(instanceName, "dotnet", [RepoPaths.SubgraphAssembly(subgraph.Project)], RepoPaths.Subgraph(subgraph.Project), environment);
        await WaitUntilReadyAsync(instanceName, process, new Uri(baseUrl, "health/ready"), SubgraphStartTimeout, baseUrl);
        BaseUrl(instanceName); // fails the test with the reason when it did not start
        return process;
    }

    private Dictionary<string, string> SubgraphEnvironment(Subgraph subgraph, Uri baseUrl, IReadOnlyDictionary<string, Uri> baseUrls)
    {
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = baseUrl.GetLeftPart(UriPartial.Authority),
            // Production: what clients see, with no exception details.
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Postgres"] = Settings.PostgresConnectionString(subgraph.Database),
            ["ConnectionStrings__Redis"] = Settings.RedisConnectionString,
            ["Diagnostics__ExposeCounters"] = "true",
            ["Seed__Products"] = SeededProducts.ToString(CultureInfo.InvariantCulture),
            ["Seed__Reviews"] = SeededReviews.ToString(CultureInfo.InvariantCulture),
            // In Production the administrator is seeded only with a password the operator sets.
            ["Seed__AdminPassword"] = Users.Accounts.AdminPassword,
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Identity__Issuer"] = Settings.Identity.Issuer,
            ["Identity__Audience"] = Settings.Identity.Audience,
            ["Identity__PublicKey"] = Settings.Identity.PublicKey,
            ["Identity__ServicePublicKey"] = Settings.Identity.ServicePublicKey,
            // Only the users service signs tokens.
            ["Identity__SigningKey"] = subgraph.Name == ServiceNames.Users ? Settings.Identity.SigningKey : "",
            // Throttling counters of this run only: earlier runs' failures must not count.
            ["SignIn__RedisKeyPrefix"] = $"users-test:{RunId}:signin:",
            ["Register__RedisKeyPrefix"] = $"users-test:{RunId}:register:",
            // Only the orders service calls other services' internal operations.
            ["Identity__ServiceSigningKey"] = subgraph.Name == ServiceNames.Orders ? Settings.Identity.ServiceSigningKey : "",
            ["Orders__RedisKeyPrefix"] = $"orders-test:{RunId}:",
            // The simulated payment provider signs its webhooks with this; only orders has it.
            ["Payments__Webhooks__Secret"] = subgraph.Name == ServiceNames.Orders ? WebhookSecret : "",
            ["Payments__Webhooks__Interval"] = "00:00:00.200",
            // Due messages (deadlines, retries, a stopped instance's work) are looked for every
            // second; an order counts as abandoned after 20 s Pending.
            ["Orders__Messaging__PollingTime"] = "00:00:01",
            ["Orders__PendingTimeout"] = "00:00:20",
            // A message an instance owns but holds in no queue is taken back after 30 s (10
            // minutes by default): the instance running the store's recovery (whichever was
            // given it) goes by its own setting, so every instance has the same.
            ["Orders__Messaging__StaleAfter"] = "00:00:30",
            // Fulfillment moves a paid order one step (packed, shipped, delivered) every 4 s.
            ["Orders__Fulfillment__StepDelay"] = "00:00:04",
        };
        foreach (var (name, url) in baseUrls)
            environment[$"Subgraphs__{name}__Url"] = new Uri(url, "graphql").ToString();
        return environment;
    }

    private async Task StartGatewayAsync()
    {
        var supergraph = RepoPaths.InRepo("schema", "supergraph.graphql");
        if (!File.Exists(supergraph))
        {
            _unavailable[ServiceNames.Gateway] = "schema/supergraph.graphql does not exist: run eng/compose.sh.";
            return;
        }

        var baseUrl = new Uri($"http://{Settings.Host}:{FreePort()}/");
        var environment = await SubgraphUrlsAsync(supergraph);
        environment["FEDERATED_GATEWAY_HOST"] = Settings.Host;
        environment["FEDERATED_GATEWAY_PORT"] = baseUrl.Port.ToString(CultureInfo.InvariantCulture);
        environment["FEDERATED_GATEWAY_LOG_LEVEL"] = "warn";

        var process = Start(ServiceNames.Gateway, "bash", [RepoPaths.InRepo("gateway", "reference", "run.sh"), supergraph], RepoPaths.Root, environment);
        await WaitUntilReadyAsync(ServiceNames.Gateway, process, new Uri(baseUrl, "readiness"), GatewayStartTimeout, baseUrl);
    }

    /// <summary>The .NET gateway, from its build output, over the same supergraph and subgraphs as the reference gateway.</summary>
    private async Task StartDotnetGatewayAsync()
    {
        var supergraph = RepoPaths.InRepo("schema", "supergraph.graphql");
        if (!File.Exists(supergraph))
        {
            _unavailable[ServiceNames.DotnetGateway] = "schema/supergraph.graphql does not exist: run eng/compose.sh.";
            return;
        }
        if (!File.Exists(RepoPaths.GatewayAssembly))
        {
            _unavailable[ServiceNames.DotnetGateway] = $"{RepoPaths.GatewayAssembly} does not exist: build tests/Federated.Tests (it builds the gateway).";
            return;
        }

        var baseUrl = new Uri($"http://{Settings.Host}:{FreePort()}/");
        var environment = await SubgraphUrlsAsync(supergraph);
        environment["FEDERATED_SUPERGRAPH"] = supergraph;
        environment["FEDERATED_GATEWAY_HOST"] = Settings.Host;
        environment["FEDERATED_GATEWAY_PORT"] = baseUrl.Port.ToString(CultureInfo.InvariantCulture);
        // Production, as the subgraphs: what clients see, with no exception details and no query plans.
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment["DOTNET_ENVIRONMENT"] = "Production";
        environment["Logging__LogLevel__Default"] = "Warning";
        // Tokens are verified as the reference gateway verifies them (gateway/reference/run.sh exports the same three).
        environment["FEDERATED_IDENTITY_PUBLIC_KEY_FILE"] = Settings.Identity.PublicKeyFile;
        environment["FEDERATED_IDENTITY_ISSUER"] = Settings.Identity.Issuer;
        environment["FEDERATED_IDENTITY_AUDIENCE"] = Settings.Identity.Audience;

        var process = Start(ServiceNames.DotnetGateway, "dotnet", [RepoPaths.GatewayAssembly], RepoPaths.InRepo("gateway", "Federated.Gateway"), environment);
        await WaitUntilReadyAsync(ServiceNames.DotnetGateway, process, new Uri(baseUrl, "health"), GatewayStartTimeout, baseUrl);
    }

    /// <summary>
    /// FEDERATED_SUBGRAPH_URL_NAME for every subgraph of the supergraph: its test instance, or, when that
    /// is not running, a closed port, so that no request ever reaches a development instance.
    /// </summary>
    private async Task<Dictionary<string, string>> SubgraphUrlsAsync(string supergraph)
    {
        var environment = new Dictionary<string, string>();
        foreach (Match match in JoinGraphName().Matches(await File.ReadAllTextAsync(supergraph)))
        {
            var name = match.Groups[1].Value;
            Uri? subgraphUrl;
            lock (_gate)
                _baseUrls.TryGetValue(name, out subgraphUrl);
            var url = subgraphUrl is not null
                ? new Uri(subgraphUrl, "graphql").ToString()
                : $"http://{Settings.Host}:{ClosedPort}/graphql";
            environment[$"FEDERATED_SUBGRAPH_URL_{Regex.Replace(name.ToUpperInvariant(), "[^A-Z0-9]", "_")}"] = url;
        }
        return environment;
    }

    private ChildProcess Start(string name, string fileName, string[] arguments, string workingDirectory, Dictionary<string, string> environment)
    {
        var process = ChildProcess.Start(name, fileName, arguments, workingDirectory, environment);
        lock (_gate)
            _processes.Add(process);
        return process;
    }

    /// <summary>Polls the readiness URL; on success the service becomes available, otherwise the reason is kept.</summary>
    private async Task WaitUntilReadyAsync(string name, ChildProcess process, Uri readyUrl, TimeSpan timeout, Uri baseUrl)
    {
        var failure = await ServiceProbe.WaitUntilReadyAsync(name, process, readyUrl, timeout);
        lock (_gate)
        {
            if (failure is null)
                _baseUrls[name] = baseUrl;
            else
                _unavailable[name] = failure;
        }
    }

    private void StopAll()
    {
        List<ChildProcess> processes;
        lock (_gate)
        {
            processes = [.. _processes];
            _processes.Clear();
        }
        // The gateway first, so it does not log the subgraphs going away.
        foreach (var process in Enumerable.Reverse(processes))
            process.Dispose();
    }

    private static int FreePort() => ServiceProbe.FreePort();

    private const int ClosedPort = ServiceProbe.ClosedPort;

    [GeneratedRegex("@join__graph\\(name: \"([^\"]+)\"")]
    private static partial Regex JoinGraphName();
}
