using System.Text.RegularExpressions;

namespace Federated.Benchmarks;

/// <summary>
/// The four subgraphs (Release, Production, information logging off) on free ports against their
/// normal databases, and both gateways over the committed supergraph, pointed at them. Disposing
/// it stops every process it started, gateways first.
/// </summary>
public sealed partial class GatewayStack : IAsyncDisposable
{
    public static readonly string[] Subgraphs = ["catalog", "users", "orders", "reviews"];

    private static readonly TimeSpan SubgraphStartTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan GatewayStartTimeout = TimeSpan.FromMinutes(3);

    /// <summary>
    /// The orders service's database in the benchmark: new each run (a copy of the order history,
    /// <see cref="OrderHistory"/>), so the deadlines, fulfillment steps and webhooks a checkout run
    /// schedules never come due during the next run and are measured as its work.
    /// </summary>
    public const string OrdersDatabase = "orders_bench";

    /// <summary>
    /// The demo's fulfillment step delay, short in the benchmark: every order's pick, ship and
    /// delivery come due within seconds, so the measured window carries their steady cost
    /// instead of leaving them for after the run.
    /// </summary>
    public static readonly TimeSpan FulfillmentStepDelay = TimeSpan.FromSeconds(2);

    private readonly List<ServiceProcess> _processes = [];

    private GatewayStack()
    {
    }

    public ServiceProcess DotNetGateway { get; private set; } = null!;

    public ServiceProcess HiveGateway { get; private set; } = null!;

    /// <summary>The subgraphs, whose CPU time is reported beside the gateways': on a 2-core machine they share the cores.</summary>
    public IReadOnlyList<ServiceProcess> SubgraphProcesses => _processes.Where(p => Subgraphs.Contains(p.Name)).ToList();

    /// <summary>Starts everything, the orders service on a new database holding <paramref name="orderHistory"/> finished orders (<see cref="OrderHistory"/>).</summary>
    public static async Task<GatewayStack> StartAsync(StackSettings settings, int orderHistory, CancellationToken cancellationToken)
    {
        var stack = new GatewayStack();
        try
        {
            await stack.StartAllAsync(settings, orderHistory, cancellationToken);
            return stack;
        }
        catch
        {
            await stack.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync(StackSettings settings, int orderHistory, CancellationToken cancellationToken)
    {
        if (RepoPaths.Configuration != "Release")
            Console.WriteLine($"benchmark: WARNING: running the {RepoPaths.Configuration} build; numbers mean something only with -c Release");
        var supergraph = RepoPaths.InRepo("schema", "supergraph.graphql");
        if (!File.Exists(supergraph))
            throw new BenchmarkException($"{supergraph} does not exist: run eng/compose.sh");

        // The others first: the catalog seeds itself on its first start, before it is ready, and
        // the history's lines are the catalog's variants. The orders service starts on the
        // history's copy, once it is made.
        var baseUrls = BaseUrls(settings, Subgraphs.Where(name => name != "orders"));
        var others = baseUrls.Keys.Select(name => Track(StartSubgraph(name, baseUrls, settings, Database(name)))).ToList();
        await Task.WhenAll(others.Select(s => s.WaitUntilReadyAsync("health/ready", SubgraphStartTimeout, cancellationToken)));
        await new OrderHistory(settings).PrepareAsync(orderHistory, (database, ct) => MigrateOrdersAsync(settings, database, ct), cancellationToken);
        // Its port is chosen as it starts, not with the others': building the history takes
        // minutes, time enough for another process to take a port found free before. No other
        // subgraph calls the orders service.
        baseUrls["orders"] = FreeUrl(settings);
        var orders = Track(StartSubgraph("orders", baseUrls, settings, Database("orders")));
        await orders.WaitUntilReadyAsync("health/ready", SubgraphStartTimeout, cancellationToken);
        List<ServiceProcess> subgraphs = [.. others, orders];
        Console.WriteLine($"benchmark: subgraphs ready: {string.Join(", ", subgraphs.Select(s => $"{s.Name} {s.BaseUrl}"))}");

        var gatewayEnvironment = new Dictionary<string, string>
        {
            ["FEDERATED_SUPERGRAPH"] = supergraph,
            ["FEDERATED_GATEWAY_HOST"] = settings.Host,
            ["FEDERATED_IDENTITY_ISSUER"] = settings.Issuer,
            ["FEDERATED_IDENTITY_AUDIENCE"] = settings.Audience,
            ["FEDERATED_IDENTITY_PUBLIC_KEY_FILE"] = settings.KeyFiles.PublicKey,
        };
        var known = JoinGraphName().Matches(await File.ReadAllTextAsync(supergraph, cancellationToken)).Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var name in Subgraphs)
        {
            if (!known.Contains(name))
                throw new BenchmarkException($"the supergraph has no subgraph '{name}'");
            gatewayEnvironment[$"FEDERATED_SUBGRAPH_URL_{name.ToUpperInvariant()}"] = new Uri(baseUrls[name], "graphql").ToString();
        }

        DotNetGateway = StartDotNetGateway(settings, gatewayEnvironment);
        HiveGateway = StartHiveGateway(settings, gatewayEnvironment);
        await Task.WhenAll(
            DotNetGateway.WaitUntilReadyAsync("health", GatewayStartTimeout, cancellationToken),
            HiveGateway.WaitUntilReadyAsync("readiness", GatewayStartTimeout, cancellationToken));
        Console.WriteLine($"benchmark: .NET gateway ready on {DotNetGateway.BaseUrl}, measuring the CPU of {DotNetGateway.Describe()}");
        Console.WriteLine($"benchmark: Hive Gateway ready on {HiveGateway.BaseUrl}, measuring the CPU of {HiveGateway.Describe()}");
    }

    /// <summary>
    /// A subgraph's database in the benchmark: its normal one, named after it (each seeds itself on
    /// its first start), but for orders, which get a new one each run (<see cref="OrdersDatabase"/>).
    /// </summary>
    public static string Database(string subgraph) => subgraph == "orders" ? OrdersDatabase : subgraph;

    /// <summary>Ports first: a subgraph that calls another (orders calls the catalog) learns its URL.</summary>
    private static Dictionary<string, Uri> BaseUrls(StackSettings settings, IEnumerable<string> subgraphs) =>
        subgraphs.ToDictionary(s => s, _ => FreeUrl(settings));

    private static Uri FreeUrl(StackSettings settings) => new($"http://{settings.Host}:{ServiceProcess.FreePort()}/");

    /// <summary>
    /// Starts the orders service alone on <paramref name="database"/> and stops it once it is
    /// ready: it applies its migrations (and creates the payment provider's tables) before it
    /// listens. The others' ports are free ones nothing listens on: it calls no other service until
    /// it has orders to work on.
    /// </summary>
    private static async Task MigrateOrdersAsync(StackSettings settings, string database, CancellationToken cancellationToken)
    {
        await using var orders = StartSubgraph("orders", BaseUrls(settings, Subgraphs), settings, database);
        await orders.WaitUntilReadyAsync("health/ready", SubgraphStartTimeout, cancellationToken);
    }

    private static ServiceProcess StartSubgraph(string name, IReadOnlyDictionary<string, Uri> baseUrls, StackSettings settings, string database)
    {
        var project = $"Federated.{char.ToUpperInvariant(name[0])}{name[1..]}";
        var assembly = RepoPaths.InRepo("subgraphs", project, "bin", RepoPaths.Configuration, "net10.0", $"{project}.dll");
        if (!File.Exists(assembly))
            throw new BenchmarkException($"{assembly} does not exist: build the benchmark (it builds the subgraphs)");
        var baseUrl = baseUrls[name];
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = baseUrl.GetLeftPart(UriPartial.Authority),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__Postgres"] = settings.ConnectionString(database),
            // Production, but the normal databases are the quick start's: one this run seeds first
            // (the users service's, before ./run.sh ever ran) gives the demo accounts the README
            // names. In Production alone it gave the administrator none and the customers
            // passwords nobody is told, and ./run.sh's sign-ins failed on it for good.
            ["Seed__DemoAccounts"] = "true",
            ["ConnectionStrings__Redis"] = settings.RedisConnectionString,
            // Request and round-trip counts for the checkout benchmark's "where the time goes".
            ["Diagnostics__ExposeCounters"] = "true",
            // A line per request would cost the service time.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
            ["Identity__Issuer"] = settings.Issuer,
            ["Identity__Audience"] = settings.Audience,
            ["Identity__PublicKey"] = settings.PublicKey,
            ["Identity__ServicePublicKey"] = File.ReadAllText(settings.KeyFiles.ServicePublicKey),
            // As run.sh: only the users service signs access tokens, only orders signs service tokens.
            ["Identity__SigningKey"] = name == "users" ? File.ReadAllText(settings.KeyFiles.SigningKey) : "",
            ["Identity__ServiceSigningKey"] = name == "orders" ? File.ReadAllText(settings.KeyFiles.ServiceSigningKey) : "",
            // As run.sh: the simulated payment provider sends its (signed) webhooks to orders.
            ["Payments__Webhooks__Secret"] = name == "orders" ? $"whsec_bench_{Guid.NewGuid():N}" : "",
            // Each event once, as a real provider mostly sends it (the tests cover repeats; the demo's default of two is chaos on purpose).
            ["Payments__Webhooks__Copies"] = "1",
            ["Orders__Fulfillment__StepDelay"] = FulfillmentStepDelay.ToString(),
        };
        foreach (var (other, url) in baseUrls)
            environment[$"Subgraphs__{other}__Url"] = new Uri(url, "graphql").ToString();
        Console.WriteLine($"benchmark: starting {name} ({RepoPaths.Configuration}) on {baseUrl}");
        return ServiceProcess.Start(name, "dotnet", [assembly], RepoPaths.InRepo("subgraphs", project), environment, baseUrl);
    }

    private ServiceProcess StartDotNetGateway(StackSettings settings, Dictionary<string, string> gatewayEnvironment)
    {
        var assembly = RepoPaths.InRepo("gateway", "Federated.Gateway", "bin", RepoPaths.Configuration, "net10.0", "Federated.Gateway.dll");
        if (!File.Exists(assembly))
            throw new BenchmarkException($"{assembly} does not exist: build the benchmark (it builds the gateway)");
        var baseUrl = FreeUrl(settings);
        var environment = new Dictionary<string, string>(gatewayEnvironment)
        {
            ["FEDERATED_GATEWAY_PORT"] = baseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
        };
        Console.WriteLine($"benchmark: starting the .NET gateway ({RepoPaths.Configuration}) on {baseUrl}");
        // The assembly itself, not gateway/Federated.Gateway/run.sh: that script builds.
        return Track(ServiceProcess.Start(".NET gateway", "dotnet", [assembly], RepoPaths.InRepo("gateway", "Federated.Gateway"), environment, baseUrl));
    }

    private ServiceProcess StartHiveGateway(StackSettings settings, Dictionary<string, string> gatewayEnvironment)
    {
        var baseUrl = FreeUrl(settings);
        var environment = new Dictionary<string, string>(gatewayEnvironment)
        {
            ["FEDERATED_GATEWAY_PORT"] = baseUrl.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["FEDERATED_GATEWAY_LOG_LEVEL"] = "warn",
            // One process (measured as one), in production mode as the .NET gateway runs in Production.
            ["FEDERATED_GATEWAY_FORK"] = "1",
            ["NODE_ENV"] = "production",
            // Its log lines without terminal colour codes.
            ["NO_COLOR"] = "1",
        };
        Console.WriteLine($"benchmark: starting Hive Gateway on {baseUrl}");
        // run.sh ends with exec: the process started here becomes the node process itself.
        return Track(ServiceProcess.Start("Hive Gateway", "bash", [RepoPaths.InRepo("gateway", "reference", "run.sh"), gatewayEnvironment["FEDERATED_SUPERGRAPH"]],
            RepoPaths.Root, environment, baseUrl));
    }

    private ServiceProcess Track(ServiceProcess process)
    {
        _processes.Add(process);
        return process;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _processes.Count - 1; i >= 0; i--)
            await _processes[i].DisposeAsync();
        _processes.Clear();
    }

    [GeneratedRegex(@"join__graph\(name: ""([^""]+)""")]
    private static partial Regex JoinGraphName();
}
