namespace Federated.Benchmarks;

/// <summary>Other work on the machine (a test run, a build) slows every side of a benchmark: say how busy it was.</summary>
public static class Machine
{
    /// <summary>The 1-minute load average, or null where /proc is missing.</summary>
    public static double? LoadAverage() =>
        File.Exists("/proc/loadavg") && double.TryParse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture, out var load)
            ? load
            : null;

    public static string Load() =>
        LoadAverage() is { } load
            ? $"load average {load:F2} on {Environment.ProcessorCount} cores"
            : $"{Environment.ProcessorCount} cores";
}
