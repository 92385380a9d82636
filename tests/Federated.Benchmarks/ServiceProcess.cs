using System.Diagnostics;
using System.Text.Json;

namespace Federated.Benchmarks;

/// <summary>
/// A service as a child process: its output shown as "[name] line" (a JSON log line as its
/// message; lines repeated by the thousand counted, <see cref="RepeatedLines"/>) and kept for
/// a failure report, its readiness polled, its CPU time read from /proc.
/// Disposing it kills the process and its children, whatever state the run ended in.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _tail = new();
    private readonly RepeatedLines _shown;

    private ServiceProcess(string name, Process process, Uri baseUrl)
    {
        Name = name;
        _process = process;
        BaseUrl = baseUrl;
        _shown = new RepeatedLines(text => Console.WriteLine($"  [{name}] {text}"));
    }

    public string Name { get; }

    public Uri BaseUrl { get; }

    public Uri GraphQLUrl => new(BaseUrl, "graphql");

    public int Id => _process.Id;

    public static ServiceProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment, Uri baseUrl)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            startInfo.Environment[key] = value;

        var service = new ServiceProcess(name, new Process { StartInfo = startInfo }, baseUrl);
        // A safety net for an exit that skips the finally blocks (SIGTERM, an unhandled exception).
        AppDomain.CurrentDomain.ProcessExit += (_, _) => service.Kill();
        service._process.OutputDataReceived += (_, e) => service.Show(e.Data);
        service._process.ErrorDataReceived += (_, e) => service.Show(e.Data);
        service._process.Start();
        service._process.BeginOutputReadLine();
        service._process.BeginErrorReadLine();
        return service;
    }

    public async Task WaitUntilReadyAsync(string readyPath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var ready = new Uri(BaseUrl, readyPath);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
                throw new BenchmarkException($"{Name} exited with code {_process.ExitCode} while starting; its last lines:\n{Tail()}");
            if (deadline.Elapsed > timeout)
                throw new BenchmarkException($"{Name} was not ready at {ready} within {timeout.TotalSeconds:F0} s; its last lines:\n{Tail()}");
            try
            {
                using var response = await http.GetAsync(ready, cancellationToken);
                if (response.IsSuccessStatusCode)
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // A probe that timed out; try again.
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>The process and its descendants as "pid name" pairs: shows which processes <see cref="CpuTime"/> adds up.</summary>
    public string Describe() => string.Join(", ", ProcessTree.Of(_process.Id).Select(p => $"{p} ({ProcessTree.Command(p)})"));

    /// <summary>User plus system CPU time of the process and its live descendants (a wrapper shell's child included).</summary>
    public TimeSpan CpuTime() => ProcessTree.CpuTime(_process.Id);

    private void Show(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
            return;
        var text = line;
        if (line.StartsWith('{'))
        {
            try
            {
                using var json = JsonDocument.Parse(line);
                if (json.RootElement.TryGetProperty("Message", out var message))
                {
                    var level = json.RootElement.TryGetProperty("LogLevel", out var l) ? l.GetString() : null;
                    text = $"{level}: {message.GetString()}";
                    if (json.RootElement.TryGetProperty("Exception", out var exception))
                        text += "\n" + exception.GetString();
                }
            }
            catch (JsonException)
            {
                // Not a structured log line: show it as it is.
            }
        }
        lock (_tail)
        {
            _tail.Enqueue(text);
            if (_tail.Count > 40)
                _tail.Dequeue();
        }
        _shown.Add(text);
    }

    private string Tail()
    {
        lock (_tail)
            return string.Join('\n', _tail);
    }

    public static int FreePort() => Federated.Testing.LoopbackPorts.Next();

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
            if (!_process.HasExited)
            {
                Console.WriteLine($"benchmark: stopping {Name}");
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, already gone or disposed.
        }
        _shown.Flush();
    }
}

/// <summary>CPU time and children of processes, from /proc (Linux).</summary>
public static class ProcessTree
{
    // USER_HZ: the unit of utime and stime in /proc/<pid>/stat; 100 on every Linux this runs on.
    public const double TicksPerSecond = 100;

    public static TimeSpan CpuTime(int root) =>
        TimeSpan.FromSeconds(Of(root).Sum(pid => Stat(pid) is { } fields ? long.Parse(fields[11]) + long.Parse(fields[12]) : 0) / TicksPerSecond);

    /// <summary>
    /// The stores beside the services, by the name the benchmark reports them under and the
    /// command their processes run; each is counted whole (<see cref="CpuTimeOfCommand"/>).
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string Command)> Stores = [("postgres", "postgres"), ("redis", "redis-server")];

    /// <summary>User plus system CPU time of every live process running <paramref name="command"/> (e.g. all of PostgreSQL's), and of their children that ended.</summary>
    public static TimeSpan CpuTimeOfCommand(string command) =>
        TimeSpan.FromSeconds(Running(command)
            // With the time of children that ended (cutime, cstime): the postmaster's counts the
            // backends it reaped, so a connection closed during a run keeps its CPU in the sum.
            .Sum(pid => Stat(pid) is { } fields ? fields[11..15].Sum(long.Parse) : 0) / TicksPerSecond);

    /// <summary>The nice values of every live process running <paramref name="command"/>, lowest first.</summary>
    public static List<int> NiceOfCommand(string command) =>
        [.. Running(command)
            .Select(pid => Stat(pid) is { } fields ? int.Parse(fields[16]) : 0)
            .Distinct()
            .Order()];

    /// <summary>The live processes running <paramref name="command"/>.</summary>
    private static IEnumerable<int> Running(string command) =>
        Directory.EnumerateDirectories("/proc")
            .Select(dir => int.TryParse(Path.GetFileName(dir), out var pid) ? pid : 0)
            .Where(pid => pid > 0 && Command(pid) == command);

    /// <summary>The process and every live descendant.</summary>
    public static List<int> Of(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid) || Stat(pid) is not { } fields)
                continue;
            var parent = int.Parse(fields[1]);
            if (!children.TryGetValue(parent, out var list))
                children[parent] = list = [];
            list.Add(pid);
        }
        var tree = new List<int> { root };
        for (var i = 0; i < tree.Count; i++)
            tree.AddRange(children.GetValueOrDefault(tree[i]) ?? []);
        return tree;
    }

    public static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").Trim();
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    /// <summary>The fields of /proc/pid/stat after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime, ..., [16] nice.</summary>
    private static string[]? Stat(int pid) => ReadStat($"/proc/{pid}/stat")?.Fields;

    /// <summary>
    /// A stat file of a process or thread (/proc/pid/stat, /proc/pid/task/tid/stat): its command
    /// name and the fields after it (<see cref="Stat"/>); null when it is gone.
    /// </summary>
    public static (string Command, string[] Fields)? ReadStat(string path)
    {
        try
        {
            var text = File.ReadAllText(path);
            // The command name is in parentheses and may hold spaces or parentheses itself.
            var close = text.LastIndexOf(')');
            return (text[(text.IndexOf('(') + 1)..close], text[(close + 2)..].Split(' '));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
