namespace Federated.Gateway.Http;

/// <summary>
/// Where the gateway finds its supergraph and subgraphs. Read from configuration, so each
/// value can come from the command line or the environment (the names the reference
/// gateway uses: FEDERATED_SUPERGRAPH, FEDERATED_GATEWAY_HOST/PORT, FEDERATED_SUBGRAPH_URL_NAME).
/// </summary>
public sealed class GatewayOptions
{
    public const string SubgraphUrlPrefix = "FEDERATED_SUBGRAPH_URL_";
    public const string SubgraphTimeoutPrefix = "FEDERATED_SUBGRAPH_TIMEOUT_MS_";

    public required string SupergraphPath { get; init; }
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 4000;
    public TimeSpan SubgraphTimeout { get; init; } = TimeSpan.FromSeconds(10);
    /// <summary>Subgraph name (any case) to URL, replacing the URL composed into the supergraph.</summary>
    public IReadOnlyDictionary<string, string> SubgraphUrls { get; init; } = new Dictionary<string, string>();
    /// <summary>Subgraph name (as in the URL overrides) to its own timeout, replacing <see cref="SubgraphTimeout"/>.</summary>
    public IReadOnlyDictionary<string, TimeSpan> SubgraphTimeouts { get; init; } = new Dictionary<string, TimeSpan>();
    public int PlanCacheSize { get; init; } = 1024;
    /// <summary>
    /// The cost estimate above which an operation is refused (<see cref="Operations.OperationCost"/>):
    /// FEDERATED_GATEWAY_MAX_COST or Gateway:MaxOperationCost; 0 turns the limit off.
    /// </summary>
    public int MaxOperationCost { get; init; } = Operations.OperationCost.DefaultLimit;
    /// <summary>
    /// Progressive override labels (other than <c>percent(x)</c>) this gateway turns on:
    /// FEDERATED_GATEWAY_OVERRIDE_LABELS or Gateway:OverrideLabels, comma-separated.
    /// </summary>
    public IReadOnlySet<string> OverrideLabels { get; init; } = new HashSet<string>();
    /// <summary>
    /// A draw in [0, 1) that every request's <c>percent(x)</c> labels take instead of a random
    /// one, so that tests are repeatable: PROGRESSIVE_OVERRIDE_RNG, the name Hive Gateway reads.
    /// </summary>
    public double? OverrideDraw { get; init; }

    public static GatewayOptions FromConfiguration(IConfiguration configuration, string contentRoot)
    {
        var urls = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var timeouts = new Dictionary<string, TimeSpan>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in configuration.AsEnumerable())
        {
            if (string.IsNullOrEmpty(value))
                continue;
            if (key.StartsWith(SubgraphUrlPrefix, StringComparison.OrdinalIgnoreCase))
                urls[key[SubgraphUrlPrefix.Length..]] = value;
            else if (key.StartsWith(SubgraphTimeoutPrefix, StringComparison.OrdinalIgnoreCase) && int.TryParse(value, out var timeoutMs))
                timeouts[key[SubgraphTimeoutPrefix.Length..]] = TimeSpan.FromMilliseconds(timeoutMs);
        }
        foreach (var section in configuration.GetSection("Gateway:Subgraphs").GetChildren())
            if (section["Url"] is { Length: > 0 } url)
                urls[section.Key] = url;

        return new GatewayOptions
        {
            SupergraphPath = Path.GetFullPath(configuration["FEDERATED_SUPERGRAPH"] ?? configuration["Gateway:Supergraph"] ?? DefaultSupergraph(contentRoot)),
            Host = configuration["FEDERATED_GATEWAY_HOST"] ?? configuration["FEDERATED_HOST"] ?? "127.0.0.1",
            Port = int.TryParse(configuration["FEDERATED_GATEWAY_PORT"], out var port) ? port : 4000,
            SubgraphTimeout = int.TryParse(configuration["FEDERATED_GATEWAY_SUBGRAPH_TIMEOUT_MS"], out var ms) ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromSeconds(10),
            SubgraphUrls = urls,
            SubgraphTimeouts = timeouts,
            OverrideLabels = (configuration["FEDERATED_GATEWAY_OVERRIDE_LABELS"] ?? configuration["Gateway:OverrideLabels"] ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal),
            MaxOperationCost = int.TryParse(configuration["FEDERATED_GATEWAY_MAX_COST"] ?? configuration["Gateway:MaxOperationCost"], out var maxCost) && maxCost >= 0
                ? maxCost
                : Operations.OperationCost.DefaultLimit,
            OverrideDraw = double.TryParse(configuration["PROGRESSIVE_OVERRIDE_RNG"], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var draw)
                && draw is >= 0 and < 1 ? draw : null,
        };
    }

    /// <summary>The URL a subgraph is reached at: an override (FEDERATED_SUBGRAPH_URL_CATALOG), or null for the composed one.</summary>
    public string? SubgraphUrl(string name) =>
        SubgraphUrls.TryGetValue(EnvironmentKey(name), out var url) || SubgraphUrls.TryGetValue(name, out url) ? url : null;

    /// <summary>How long a request to a subgraph may take: FEDERATED_SUBGRAPH_TIMEOUT_MS_NAME or the general timeout (looked up once per subgraph name: this is on every fetch).</summary>
    public TimeSpan TimeoutFor(string name) =>
        _timeouts.GetOrAdd(name, n =>
            SubgraphTimeouts.TryGetValue(EnvironmentKey(n), out var timeout) || SubgraphTimeouts.TryGetValue(n, out timeout) ? timeout : SubgraphTimeout);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TimeSpan> _timeouts = new(StringComparer.Ordinal);

    // As the reference gateway spells a subgraph in environment names: upper case, other characters as '_'.
    private static string EnvironmentKey(string name) =>
        new(name.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToUpperInvariant(c) : '_').ToArray());

    // schema/supergraph.graphql of the repository the gateway runs from.
    private static string DefaultSupergraph(string contentRoot)
    {
        for (var dir = new DirectoryInfo(contentRoot); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "schema", "supergraph.graphql");
            if (File.Exists(candidate))
                return candidate;
        }
        return Path.Combine(contentRoot, "schema", "supergraph.graphql");
    }
}
