using Federated.Gateway.Execution;
using Federated.Gateway.Supergraph;

namespace Federated.Gateway.Http;

/// <summary>
/// Holds the current supergraph's <see cref="GatewayExecutor"/> and swaps it when the file
/// changes. Requests in flight keep the executor they started with; a supergraph that does
/// not load is refused with a log line and the old one keeps serving.
/// </summary>
public sealed class SupergraphProvider : IHostedService, IDisposable
{
    private readonly GatewayOptions _options;
    private readonly PlanExecutor _planExecutor;
    private readonly ILogger<SupergraphProvider> _logger;
    private readonly object _reloadLock = new();
    private FileSystemWatcher? _watcher;
    private Timer? _debounce;
    private volatile GatewayExecutor? _current;

    public SupergraphProvider(GatewayOptions options, PlanExecutor planExecutor, ILogger<SupergraphProvider> logger)
    {
        _options = options;
        _planExecutor = planExecutor;
        _logger = logger;
    }

    public GatewayExecutor Current => _current ?? throw new InvalidOperationException("No supergraph is loaded.");
    public bool IsReady => _current is not null;
    public DateTimeOffset LoadedAt { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The first load must succeed: a gateway without a graph has nothing to serve.
        if (!TryLoad(out var error))
            throw new SupergraphException($"Cannot load the supergraph {_options.SupergraphPath}: {error}");
        var directory = Path.GetDirectoryName(_options.SupergraphPath)!;
        _watcher = new FileSystemWatcher(directory, Path.GetFileName(_options.SupergraphPath))
        {
            NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.Size | NotifyFilters.CreationTime,
        };
        _debounce = new Timer(_ => Reload(), null, Timeout.Infinite, Timeout.Infinite);
        FileSystemEventHandler changed = (_, _) => _debounce.Change(200, Timeout.Infinite);
        _watcher.Changed += changed;
        _watcher.Created += changed;
        _watcher.Renamed += (_, _) => _debounce.Change(200, Timeout.Infinite);
        _watcher.EnableRaisingEvents = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        if (_watcher is not null)
            _watcher.EnableRaisingEvents = false;
        return Task.CompletedTask;
    }

    /// <summary>Loads the file again now; true when a new supergraph took over.</summary>
    public bool Reload()
    {
        var loaded = TryLoad(out var error);
        if (!loaded && error is not null)
            _logger.LogError("Refused the changed supergraph {Path}: {Error}. The previous supergraph keeps serving.", _options.SupergraphPath, error);
        return loaded;
    }

    private bool TryLoad(out string? error)
    {
        lock (_reloadLock)
        {
            error = null;
            string text;
            try
            {
                text = File.ReadAllText(_options.SupergraphPath);
            }
            catch (IOException ex)
            {
                error = ex.Message;
                return false;
            }
            catch (UnauthorizedAccessException ex)
            {
                error = ex.Message;
                return false;
            }
            if (_current is { } current && current.Supergraph.Source == text)
                return false;
            try
            {
                var model = SupergraphParser.Parse(text).WithSubgraphUrls(s => _options.SubgraphUrl(s.Name));
                _current = new GatewayExecutor(model, _planExecutor, _options.PlanCacheSize, _options.OverrideLabels, _options.OverrideDraw, _options.MaxOperationCost);
                LoadedAt = DateTimeOffset.UtcNow;
                foreach (var subgraph in model.Subgraphs)
                    _logger.LogInformation("Subgraph {Subgraph} at {Url}", subgraph.Name, subgraph.Url);
                _logger.LogInformation("Serving the supergraph {Path} ({Types} types, {Subgraphs} subgraphs)", _options.SupergraphPath, model.Types.Count, model.Subgraphs.Count);
                if (model.OverrideLabels.Count > 0)
                    _logger.LogInformation("Progressive override labels {Labels}; turned on here: {Enabled}", string.Join(", ", model.OverrideLabels),
                        string.Join(", ", model.OverrideLabels.Where(_options.OverrideLabels.Contains)) is { Length: > 0 } on ? on : "none besides percent(x)");
                return true;
            }
            catch (Exception ex) when (ex is SupergraphException or GraphQLParser.Exceptions.GraphQLParserException or InvalidOperationException or ArgumentException)
            {
                error = ex.Message;
                return false;
            }
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _debounce?.Dispose();
    }
}
