using System.Diagnostics;

namespace Federated.Tests.Infrastructure;

/// <summary>
/// A process the tests started: its output goes to a log file (so a failure can show its
/// tail), and disposing it kills its whole process tree.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Lock _gate = new();
    private bool _disposed;

    private ChildProcess(string name, Process process, StreamWriter log, string logPath)
    {
        Name = name;
        _process = process;
        _log = log;
        LogPath = logPath;
    }

    public string Name { get; }

    public string LogPath { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment)
    {
        Directory.CreateDirectory(RepoPaths.LogDirectory);
        var logPath = Path.Combine(RepoPaths.LogDirectory, $"{name}.log");
        var log = new StreamWriter(logPath, append: false) { AutoFlush = true };

        var startInfo = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            startInfo.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            startInfo.Environment[key] = value;

        var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process, log, logPath);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        log.WriteLine($"# {fileName} {string.Join(' ', startInfo.ArgumentList)} (in {workingDirectory})");
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Runs a command to completion and returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string name, string fileName, IEnumerable<string> arguments,
        TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var child = Start(name, fileName, arguments, RepoPaths.Root, environment ?? new Dictionary<string, string>());
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await child._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds:0}s.\n{child.Tail()}");
        }
        return (child._process.ExitCode, child.Output());
    }

    public string Describe() => HasExited ? $"{Name} exited with code {_process.ExitCode}" : $"{Name} (pid {Id})";

    /// <summary>Whether the process wrote <paramref name="text"/> to its output so far.</summary>
    public bool Wrote(string text) => Output().Contains(text, StringComparison.Ordinal);

    /// <summary>The last lines of the log, for failure messages.</summary>
    public string Tail(int lines = 40)
    {
        var all = Output().Split('\n');
        return $"--- last lines of {LogPath} ---\n" + string.Join('\n', all.TakeLast(lines));
    }

    private string Output()
    {
        lock (_gate)
        {
            _log.Flush();
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return reader.ReadToEnd().TrimEnd();
        }
    }

    private void Write(string? line)
    {
        if (line is null)
            return;
        lock (_gate)
        {
            if (!_disposed)
                _log.WriteLine(line);
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            _log.Dispose();
        }
        _process.Dispose();
    }
}
