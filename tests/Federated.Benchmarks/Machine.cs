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

    /// <summary>
    /// CPU time the whole machine spent busy and idle (all cores) since boot, from /proc/stat;
    /// zero where it is missing. Counts what per-process figures miss: exited processes (short
    /// PostgreSQL backends), the kernel's network work, anything else running.
    /// </summary>
    public static (TimeSpan Busy, TimeSpan Idle) CpuTimes()
    {
        var fields = CpuTicks();
        var idle = fields[3] + fields[4];
        var busy = fields.Take(8).Sum() - idle;
        return (TimeSpan.FromSeconds(busy / ProcessTree.TicksPerSecond), TimeSpan.FromSeconds(idle / ProcessTree.TicksPerSecond));
    }

    /// <summary>
    /// The whole machine's CPU time since boot from /proc/stat's first line (user, nice, system,
    /// idle, iowait, irq, softirq, steal, ...), in USER_HZ as /proc/pid/stat; zeros where it is missing.
    /// </summary>
    public static long[] CpuTicks() =>
        File.Exists("/proc/stat")
            ? File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray()
            : new long[10];
}
