using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Federated.Benchmarks;

/// <summary>
/// What the machine was doing in each second of a measured window, sampled ten times a second,
/// so that the seconds whose answers were slow can be set beside the ones that were not:
/// <list type="bullet">
/// <item>the kernel's CPU pressure (time some runnable task waited for a core) and the
/// runnable tasks, the host's steal, and the time waiting on the disk;</item>
/// <item>each process's CPU time in the second (the .NET services, the buyers, all of
/// PostgreSQL's, all of Redis's), read once a second, so that a slow second's work is put down to who did it;</item>
/// <item>the .NET processes' garbage collection, as the CPU time of their GC threads
/// (".NET Server GC", ".NET BGC": a collection that suspends the process shows there);</item>
/// <item>PostgreSQL's active backends and what they were waiting on (pg_stat_activity), and
/// whether a checkpoint was writing;</item>
/// <item>the autovacuum workers at work and on which table;</item>
/// <item>for backends waiting on a lock, the statement that waited and the one that held the
/// lock (<c>pg_blocking_pids</c>), so that a row lock is put down to what took it.</item>
/// </list>
/// Everything is read from /proc and from PostgreSQL; where /proc is missing the machine's
/// columns stay zero.
/// </summary>
public sealed class StallProbe : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly Dictionary<string, int> _processes;
    private readonly NpgsqlConnection _connection;
    private readonly CancellationTokenSource _stop = new();
    private readonly long _started;
    private readonly Dictionary<int, Second> _seconds = [];
    private Task _sampling = Task.CompletedTask;
    private int _failedReadings;

    private StallProbe(Dictionary<string, int> processes, NpgsqlConnection connection, long started)
    {
        (_processes, _connection, _started) = (processes, connection, started);
    }

    /// <summary>
    /// Starts sampling now; second 0 is the second that began at <paramref name="windowOpened"/>
    /// (a <see cref="Stopwatch"/> timestamp: the window's, so that its seconds and the answers'
    /// are the same seconds however long opening the connection took).
    /// </summary>
    public static async Task<StallProbe> StartAsync(Dictionary<string, int> processes, string postgres, long windowOpened, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(postgres);
        await connection.OpenAsync(cancellationToken);
        var probe = new StallProbe(processes, connection, windowOpened);
        probe._sampling = probe.SampleAsync();
        return probe;
    }

    /// <summary>The samples of one second of the window.</summary>
    private sealed class Second
    {
        public int Samples;
        public long Runnable, PostgresActive, CheckpointWriting;
        public readonly Dictionary<string, long> Waits = [];
        public readonly Dictionary<string, long> LockWaits = [];
        public readonly Dictionary<string, long> Autovacuum = [];
        public double PressureMs, StealMs, IoWaitMs;
        public readonly Dictionary<string, double> GcMs = [];
        public Dictionary<string, double> CpuMs = [];
    }

    private async Task SampleAsync()
    {
        var (pressure, cpu, gc) = (CpuPressureMicroseconds(), Machine.CpuTicks(), GcTicks());
        // Each second's processes' CPU: from its first sample to the next sampled second's first
        // (or the end), given to it as that next one begins.
        var (processCpu, current) = (ProcessCpuMs(), (Second?)null);
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var second = (int)Stopwatch.GetElapsedTime(_started).TotalSeconds;
                if (!_seconds.TryGetValue(second, out var s))
                {
                    _seconds[second] = s = new Second();
                    processCpu = EndSecond(current, processCpu);
                    current = s;
                }
                s.Samples++;
                s.Runnable += Runnable();

                var (pressureNow, cpuNow, gcNow) = (CpuPressureMicroseconds(), Machine.CpuTicks(), GcTicks());
                s.PressureMs += (pressureNow - pressure) / 1000.0;
                // /proc/stat: user nice system idle iowait irq softirq steal, in USER_HZ.
                s.IoWaitMs += (cpuNow[4] - cpu[4]) * 1000 / ProcessTree.TicksPerSecond;
                s.StealMs += (cpuNow[7] - cpu[7]) * 1000 / ProcessTree.TicksPerSecond;
                foreach (var (process, ticks) in gcNow)
                    s.GcMs[process] = s.GcMs.GetValueOrDefault(process) + (ticks - gc.GetValueOrDefault(process)) * 1000 / ProcessTree.TicksPerSecond;
                (pressure, cpu, gc) = (pressureNow, cpuNow, gcNow);

                // A reading PostgreSQL cannot answer (the connection lost, the server
                // restarting) is counted and skipped: the window's figures are still printed.
                try
                {
                    await using var command = new NpgsqlCommand("""
                        select case when state = 'idle in transaction' then 'idle in transaction'
                                    else coalesce(wait_event_type || ':' || wait_event, 'on CPU') end,
                               count(*) filter (where backend_type <> 'checkpointer'),
                               coalesce(bool_or(backend_type = 'checkpointer' and wait_event is distinct from 'CheckpointerMain'), false)
                        from pg_stat_activity
                        where pid <> pg_backend_pid() and (state in ('active', 'idle in transaction') or backend_type = 'checkpointer')
                        group by 1;
                        select regexp_replace(query, '^autovacuum: ', '') from pg_stat_activity
                        where backend_type = 'autovacuum worker' and state = 'active'
                        """, _connection);
                    await using var reader = await command.ExecuteReaderAsync(_stop.Token);
                    var (checkpointing, waitingOnLock) = (false, false);
                    while (await reader.ReadAsync(_stop.Token))
                    {
                        checkpointing |= reader.GetBoolean(2);
                        var (wait, count) = (reader.GetString(0), reader.GetInt64(1));
                        if (count == 0)
                            continue;
                        if (wait != "idle in transaction")
                            s.PostgresActive += count;
                        waitingOnLock |= wait.StartsWith("Lock:", StringComparison.Ordinal);
                        s.Waits[wait] = s.Waits.GetValueOrDefault(wait) + count;
                    }
                    s.CheckpointWriting += checkpointing ? 1 : 0;
                    await reader.NextResultAsync(_stop.Token);
                    while (await reader.ReadAsync(_stop.Token))
                    {
                        var vacuum = reader.GetString(0);
                        s.Autovacuum[vacuum] = s.Autovacuum.GetValueOrDefault(vacuum) + 1;
                    }
                    if (waitingOnLock)
                    {
                        await reader.DisposeAsync();
                        await SampleLockWaitsAsync(s);
                    }
                }
                catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException)
                {
                    _failedReadings++;
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        EndSecond(current, processCpu);
    }

    /// <summary>Gives <paramref name="second"/> (if any) the processes' CPU since <paramref name="since"/>; returns the reading now.</summary>
    private Dictionary<string, double> EndSecond(Second? second, Dictionary<string, double> since)
    {
        var now = ProcessCpuMs();
        if (second is not null)
            second.CpuMs = now.ToDictionary(p => p.Key, p => p.Value - since.GetValueOrDefault(p.Key, p.Value));
        return now;
    }

    /// <summary>
    /// The backends waiting on a lock now, each pair of waiting statement and holding statement
    /// counted once per waiter and holder (a statement's first words; the holder's last
    /// statement when it is idle in its transaction).
    /// </summary>
    private async Task SampleLockWaitsAsync(Second s)
    {
        await using var command = new NpgsqlCommand("""
            select left(regexp_replace(w.query, '\s+', ' ', 'g'), 70),
                   left(regexp_replace(b.query, '\s+', ' ', 'g'), 70) || case when b.state = 'active' then '' else ' (' || b.state || ')' end,
                   count(*)
            from pg_stat_activity w
            cross join lateral unnest(pg_blocking_pids(w.pid)) as blocker(pid)
            join pg_stat_activity b on b.pid = blocker.pid
            where w.wait_event_type = 'Lock'
            group by 1, 2
            """, _connection);
        await using var reader = await command.ExecuteReaderAsync(_stop.Token);
        while (await reader.ReadAsync(_stop.Token))
        {
            var (pair, count) = ($"{reader.GetString(0)}  <- held by ->  {reader.GetString(1)}", reader.GetInt64(2));
            s.LockWaits[pair] = s.LockWaits.GetValueOrDefault(pair) + count;
        }
    }

    /// <summary>
    /// Over the window (once the probe is disposed): the statements that waited on a lock
    /// longest, and what held the lock, as samples of a waiting backend (a tenth of a second
    /// each) per pair, most first; and the autovacuum workers' samples by what they did.
    /// </summary>
    public string DescribeWindow(int top)
    {
        var (lockWaits, autovacuum) = (Total(s => s.LockWaits), Total(s => s.Autovacuum));
        var total = lockWaits.Values.Sum();
        var lines = total == 0
            ? ["  no backend was seen waiting on a lock"]
            : lockWaits.OrderByDescending(p => p.Value).Take(top)
                .Select(p => $"    {p.Value,5:N0} ({p.Value * 100.0 / total:N0}%)  {p.Key}")
                .Prepend($"  lock waits over the window ({total:N0} samples of a waiting backend, 10 a second; the waiting statement <- held by -> the holder's statement, or its last one if idle in its transaction):")
                .ToList();
        lines.Add(autovacuum.Count == 0
            ? "  no autovacuum worker was seen at work"
            : $"  autovacuum over the window (samples of a worker at work, 10 a second): {string.Join(", ", autovacuum.OrderByDescending(v => v.Value).Select(v => $"{v.Key} {v.Value:N0}"))}");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>One of each second's counts, summed over the window's seconds.</summary>
    private Dictionary<string, long> Total(Func<Second, Dictionary<string, long>> counts) =>
        _seconds.Values.SelectMany(counts).GroupBy(c => c.Key).ToDictionary(g => g.Key, g => g.Sum(c => c.Value));

    /// <summary>
    /// A table: one row per second asked for (the slow ones, and one typical second to compare
    /// them with), each with what the probe saw in it. Averages are per sample (a tenth of a second).
    /// </summary>
    public string Describe(IEnumerable<(string Label, int Second, double P99, int Answers)> seconds)
    {
        var lines = new List<string>
        {
            "  what the machine did in those seconds (CPU pressure: time runnable tasks waited for a core, summed over them; GC: CPU time of the GC threads; PostgreSQL: backends at work, on average, and what they waited on; CPU: each process's CPU time in the second, all of PostgreSQL's as one):",
        };
        if (_failedReadings > 0)
            lines.Add($"  ({_failedReadings:N0} readings of PostgreSQL's activity failed and are missing from its columns)");
        foreach (var (label, second, p99, answers) in seconds)
        {
            if (!_seconds.TryGetValue(second, out var s) || s.Samples == 0)
            {
                lines.Add($"    {label} {second} s: not sampled");
                continue;
            }
            double Mean(long total) => total / (double)s.Samples;
            var waits = s.Waits.Where(w => w.Key != "on CPU").OrderByDescending(w => w.Value).Take(3)
                .Select(w => $"{w.Key} {Mean(w.Value):N1}");
            lines.Add($"    {label} {second} s (p99 {p99:N0} ms, {answers} answers): CPU pressure {s.PressureMs:N0} ms, {Mean(s.Runnable):N1} runnable, steal {s.StealMs:N0} ms, I/O wait {s.IoWaitMs:N0} ms; "
                + $"GC {string.Join(", ", s.GcMs.Where(g => g.Value > 0).Select(g => $"{g.Key} {g.Value:N0} ms").DefaultIfEmpty("none"))}; "
                + $"PostgreSQL {Mean(s.PostgresActive):N1} active ({Mean(s.Waits.GetValueOrDefault("on CPU")):N1} on CPU{string.Concat(waits.Select(w => ", " + w))})"
                + (s.CheckpointWriting > 0 ? $", checkpoint writing in {s.CheckpointWriting} of {s.Samples} samples" : ""));
            if (s.CpuMs.Count > 0)
                lines.Add($"      CPU: {string.Join(", ", s.CpuMs.Where(c => c.Value >= 5).OrderByDescending(c => c.Value).Select(c => $"{c.Key} {c.Value:N0} ms"))}");
            if (s.Autovacuum.Count > 0)
                lines.Add($"      autovacuum: {string.Join(", ", s.Autovacuum.OrderByDescending(v => v.Value).Select(v => $"{v.Key} in {v.Value} of {s.Samples} samples"))}");
            foreach (var (pair, count) in s.LockWaits.OrderByDescending(p => p.Value).Take(2))
                lines.Add($"      waiting {Mean(count):N1}: {pair}");
        }
        return string.Join(Environment.NewLine, lines);
    }

    private static long CpuPressureMicroseconds()
    {
        // some avg10=... avg60=... avg300=... total=<microseconds>
        if (!File.Exists("/proc/pressure/cpu"))
            return 0;
        var some = File.ReadLines("/proc/pressure/cpu").First();
        return long.Parse(some[(some.LastIndexOf('=') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>Tasks running or waiting for a core now (the fourth field of /proc/loadavg, "running/total"), less this probe.</summary>
    private static long Runnable() =>
        File.Exists("/proc/loadavg") ? long.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[3].Split('/')[0], CultureInfo.InvariantCulture) - 1 : 0;

    /// <summary>
    /// CPU time so far, in ms, of each .NET process (one process each, read from its own stat),
    /// of this one (the buyers) and of all of PostgreSQL's and of Redis's processes.
    /// </summary>
    private Dictionary<string, double> ProcessCpuMs()
    {
        var cpu = new Dictionary<string, double>();
        foreach (var (name, pid) in _processes)
        {
            if (ProcessTree.ReadStat($"/proc/{pid}/stat") is (_, var fields))
                cpu[name] = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) * 1000 / ProcessTree.TicksPerSecond;
        }
        cpu["buyers"] = Environment.CpuUsage.TotalTime.TotalMilliseconds;
        foreach (var (name, command) in ProcessTree.Stores)
            cpu[name] = ProcessTree.CpuTimeOfCommand(command).TotalMilliseconds;
        return cpu;
    }

    /// <summary>CPU ticks so far of each process's garbage collector threads.</summary>
    private Dictionary<string, long> GcTicks()
    {
        var ticks = new Dictionary<string, long>();
        foreach (var (name, pid) in _processes)
        {
            long sum = 0;
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    if (ProcessTree.ReadStat(Path.Combine(task, "stat")) is not (var command, var fields)
                        || !command.StartsWith(".NET Server GC", StringComparison.Ordinal) && !command.StartsWith(".NET BGC", StringComparison.Ordinal))
                        continue;
                    sum += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A thread or the process ended between listing and reading: count what was read.
            }
            ticks[name] = sum;
        }
        return ticks;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        await _connection.DisposeAsync();
        _stop.Dispose();
    }
}
