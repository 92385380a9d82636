using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Federated.Benchmarks;

/// <summary>
/// The catalog subgraph as a child process on a free loopback port, in Production as clients
/// meet it. Its log lines (JSON) are shown as plain messages, so a seed's progress is visible;
/// disposing it kills the process, whatever state the run ended in.
/// </summary>
public sealed class CatalogService : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan SeedTimeout = TimeSpan.FromMinutes(60);

    private readonly Process _process;
    private readonly Queue<string> _tail = new();

    private CatalogService(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public Uri GraphQLUrl => new(BaseUrl, "graphql");

    /// <summary>From process start to ready, when this run seeded the database; null when it reused a seed.</summary>
    public TimeSpan? SeedTime { get; private set; }

    public static async Task<CatalogService> StartAsync(StackSettings settings, string database, int products, bool seeding, CancellationToken cancellationToken)
    {
        var assembly = RepoPaths.InRepo("subgraphs", "Federated.Catalog", "bin", RepoPaths.Configuration, "net10.0", "Federated.Catalog.dll");
        if (!File.Exists(assembly))
            throw new BenchmarkException($"{assembly} does not exist: build the benchmark (it builds the catalog)");
        if (RepoPaths.Configuration != "Release")
            Console.WriteLine($"benchmark: WARNING: running the {RepoPaths.Configuration} build; numbers mean something only with -c Release");

        var baseUrl = new Uri($"http://{settings.Host}:{ServiceProcess.FreePort()}/");
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepoPaths.InRepo("subgraphs", "Federated.Catalog"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(assembly);
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["ASPNETCORE_URLS"] = baseUrl.GetLeftPart(UriPartial.Authority),
                     ["ASPNETCORE_ENVIRONMENT"] = "Production",
                     ["DOTNET_ENVIRONMENT"] = "Production",
                     ["ConnectionStrings__Postgres"] = settings.ConnectionString(database),
                     ["ConnectionStrings__Redis"] = settings.RedisConnectionString,
                     ["Seed__Products"] = products.ToString(CultureInfo.InvariantCulture),
                     // A line per request would cost the service time and bury the progress lines.
                     ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
                     ["Identity__Issuer"] = settings.Issuer,
                     ["Identity__Audience"] = settings.Audience,
                     ["Identity__PublicKey"] = settings.PublicKey,
                 })
        {
            startInfo.Environment[key] = value;
        }

        Console.WriteLine($"benchmark: starting the catalog ({RepoPaths.Configuration}) on {baseUrl}");
        var clock = Stopwatch.StartNew();
        var process = new Process { StartInfo = startInfo };
        var service = new CatalogService(process, baseUrl);
        // A safety net for an exit that skips the finally blocks (SIGTERM, an unhandled exception).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => service.Kill();
        process.OutputDataReceived += (_, e) => service.Show(e.Data);
        process.ErrorDataReceived += (_, e) => service.Show(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await service.WaitUntilReadyAsync(seeding ? SeedTimeout : StartTimeout, cancellationToken);
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
        if (seeding)
        {
            service.SeedTime = clock.Elapsed;
            Console.WriteLine($"benchmark: seeded {products:N0} products; the catalog was ready {clock.Elapsed.TotalSeconds:F1} s after its start");
        }
        return service;
    }

    private async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ready = new Uri(BaseUrl, "health/ready");
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new BenchmarkException($"the catalog exited with code {_process.ExitCode} while starting; its last lines:\n{Tail()}");
            if (deadline.Elapsed > timeout)
                throw new BenchmarkException($"the catalog was not ready at {ready} within {timeout.TotalMinutes:F0} min; its last lines:\n{Tail()}");
            try
            {
                using var response = await http.GetAsync(ready, cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet: the seed runs before the service listens.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A probe that timed out; try again.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>Shows a log line as "[catalog] message" and keeps the last ones for a failure report.</summary>
    private void Show(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return;
        var text = line;
        try
        {
            using var json = JsonDocument.Parse(line);
            if (json.RootElement.TryGetProperty("Message", out var message))
            {
                var level = json.RootElement.TryGetProperty("LogLevel", out var l) ? l.GetString() : null;
                text = level is "Information" or null ? message.GetString()! : $"{level}: {message.GetString()}";
                if (json.RootElement.TryGetProperty("Exception", out var exception))
                    text += "\n" + exception.GetString();
            }
        }
        catch (JsonException)
        {
            // Not a structured log line (a crash before logging was set up): show it as it is.
        }
        lock (_tail)
        {
            _tail.Enqueue(text);
            if (_tail.Count > 40)
                _tail.Dequeue();
        }
        Console.WriteLine($"  [catalog] {text}");
    }

    private string Tail()
    {
        lock (_tail)
            return string.Join('\n', _tail);
    }

    public ValueTask DisposeAsync()
    {
        Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Kill()
    {
        try
        {
            if (_process.HasExited)
                return;
            Console.WriteLine("benchmark: stopping the catalog");
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        catch (InvalidOperationException)
        {
            // Never started, already gone or disposed.
        }
    }
}
