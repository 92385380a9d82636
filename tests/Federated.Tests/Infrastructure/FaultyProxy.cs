using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Federated.Tests.Infrastructure;

/// <summary>
/// A TCP proxy on loopback in front of a service, for tests of what a caller does when the
/// network fails it: forwarding both ways (<see cref="Restore"/>), refusing every connection
/// (<see cref="Refuse"/>), holding one request back (<see cref="HoldNextAsync"/>), or losing
/// the answer to the next request that carries a marker (the request reaches the service, which
/// acts on it, and the caller sees its connection close without an answer), after which it
/// refuses every connection until restored.
/// </summary>
public sealed class FaultyProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile string? _loseAnswerTo;
    private volatile bool _refusing;

    public FaultyProxy(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>The upstream URL with the proxy's authority instead of the service's.</summary>
    public Uri Url => new UriBuilder(_upstream) { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port }.Uri;

    /// <summary>How many answers were lost so far.</summary>
    public int AnswersLost { get; private set; }

    /// <summary>
    /// The answer to the next request whose bytes contain <paramref name="marker"/> is lost; then
    /// every connection is refused. With <paramref name="after"/>, only when it comes after a
    /// request containing all of those on the same connection: the COMMIT of the transaction
    /// that wrote them, not another's.
    /// </summary>
    public void LoseTheAnswerTo(string marker, params string[] after)
    {
        _loseAfter = after.Length == 0 ? null : after;
        _loseAnswerTo = marker;
    }

    private volatile string[]? _loseAfter;

    /// <summary>
    /// Holds back the next request whose bytes contain all of <paramref name="markers"/> until
    /// <see cref="ReleaseHeld"/>: the service waits for its answer meanwhile. The task ends once
    /// such a request is held.
    /// </summary>
    public Task HoldNextAsync(params string[] markers)
    {
        _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _hold = markers;
        return _held.Task;
    }

    /// <summary>Lets the request <see cref="HoldNextAsync"/> held go on.</summary>
    public void ReleaseHeld() => _release?.TrySetResult();

    private volatile string[]? _hold;
    private TaskCompletionSource? _held;
    private TaskCompletionSource? _release;

    /// <summary>Waits, before a request is passed on, while it is the one <see cref="HoldNextAsync"/> holds.</summary>
    private async Task HoldingAsync(ReadOnlyMemory<byte> chunk)
    {
        if (_hold is not { } markers)
            return;
        var text = Encoding.UTF8.GetString(chunk.Span);
        if (!markers.All(m => text.Contains(m, StringComparison.Ordinal)))
            return;
        _hold = null;
        _held!.TrySetResult();
        await _release!.Task.WaitAsync(_stopping.Token);
    }

    /// <summary>Refuses every connection, new or open, until restored: the service cannot be reached.</summary>
    public void Refuse() => _refusing = true;

    /// <summary>Forwards both ways again.</summary>
    public void Restore()
    {
        _loseAnswerTo = null;
        _refusing = false;
    }

    private async Task AcceptAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token);
            }
            catch (Exception) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            if (_refusing)
            {
                client.Dispose();
                continue;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var upstream = new TcpClient();
        using (client)
        {
            try
            {
                await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stopping.Token);
                lock (_open)
                    _open.AddRange([client, upstream]);
                var losing = false;
                var armed = false;
                var requests = PumpAsync(client.GetStream(), upstream.GetStream(), chunk =>
                {
                    if (_refusing)
                        return false;
                    if (_loseAnswerTo is not { } marker)
                        return true;
                    var text = Encoding.UTF8.GetString(chunk.Span);
                    if (_loseAfter is { } after && !armed)
                        armed = after.All(a => text.Contains(a, StringComparison.Ordinal));
                    // The transaction that armed it rolled back: a later one on this pooled connection is another's.
                    else if (armed && text.Contains("ROLLBACK", StringComparison.Ordinal))
                        armed = false;
                    else if (text.Contains(marker, StringComparison.Ordinal))
                    {
                        _loseAnswerTo = null;
                        losing = true;
                    }
                    return true;
                }, HoldingAsync);
                var answers = PumpAsync(upstream.GetStream(), client.GetStream(), _ =>
                {
                    if (losing)
                    {
                        AnswersLost++;
                        _refusing = true;
                    }
                    return !_refusing;
                });
                await Task.WhenAny(requests, answers);
            }
            catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // A connection failing is what this proxy is for.
            }
            finally
            {
                lock (_open)
                {
                    _open.Remove(client);
                    _open.Remove(upstream);
                }
            }
        }
    }

    /// <summary>Copies chunks from one side to the other while <paramref name="pass"/> lets each through; a chunk refused ends the connection.</summary>
    private async Task PumpAsync(NetworkStream from, NetworkStream to, Func<ReadOnlyMemory<byte>, bool> pass, Func<ReadOnlyMemory<byte>, Task>? before = null)
    {
        var buffer = new byte[64 * 1024];
        while (true)
        {
            var read = await from.ReadAsync(buffer, _stopping.Token);
            if (read == 0 || !pass(buffer.AsMemory(0, read)))
                return;
            if (before is not null)
                await before(buffer.AsMemory(0, read));
            await to.WriteAsync(buffer.AsMemory(0, read), _stopping.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        _listener.Stop();
        lock (_open)
        {
            foreach (var socket in _open)
                socket.Dispose();
        }
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stopping.Dispose();
    }
}

/// <summary>A second instance of a subgraph with one of its connections going through a <see cref="FaultyProxy"/>; disposing it stops both.</summary>
public sealed record ProxiedInstance(FaultyProxy Proxy, ChildProcess Process) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        Process.Dispose();
        await Proxy.DisposeAsync();
    }
}

public static class ProxiedInstances
{
    /// <summary>
    /// Starts <paramref name="instanceName"/>, an instance of <paramref name="subgraphName"/> whose
    /// PostgreSQL connections go through a proxy; without <paramref name="pooling"/>, each use opens
    /// one anew (an outage then refuses the open itself, not a statement sent on an idle pooled one).
    /// </summary>
    public static async Task<ProxiedInstance> StartWithDatabaseBehindProxyAsync(this FederatedStack stack, string subgraphName, string instanceName,
        IReadOnlyDictionary<string, string>? settings = null, bool pooling = true)
    {
        var direct = new Npgsql.NpgsqlConnectionStringBuilder(stack.Settings.PostgresConnectionString(Subgraph.Named(subgraphName).Database));
        var proxy = new FaultyProxy(new Uri($"tcp://{direct.Host}:{direct.Port}"));
        var proxied = new Npgsql.NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = proxy.Url.Host, Port = proxy.Url.Port, Pooling = pooling };
        return await StartAsync(stack, proxy, subgraphName, instanceName, "ConnectionStrings__Postgres", proxied.ConnectionString, settings);
    }

    /// <summary>Starts <paramref name="instanceName"/>, an orders instance whose calls to the catalog go through a proxy.</summary>
    public static async Task<ProxiedInstance> StartWithCatalogBehindProxyAsync(this FederatedStack stack, string instanceName)
    {
        var proxy = new FaultyProxy(stack.GraphQLUrl(ServiceNames.Catalog));
        return await StartAsync(stack, proxy, ServiceNames.Orders, instanceName, "Subgraphs__catalog__Url", proxy.Url.ToString());
    }

    private static async Task<ProxiedInstance> StartAsync(FederatedStack stack, FaultyProxy proxy, string subgraphName, string instanceName, string setting, string value,
        IReadOnlyDictionary<string, string>? settings = null)
    {
        try
        {
            var all = new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { [setting] = value };
            return new ProxiedInstance(proxy, await stack.StartInstanceAsync(subgraphName, instanceName, all));
        }
        catch
        {
            await proxy.DisposeAsync();
            throw;
        }
    }
}
