using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Federated.Benchmarks;

/// <summary>
/// Keeps a service's repeated log lines from burying the benchmark's own: a stack that falls
/// behind logs a warning for every request it gave up on, thousands a second. Lines that differ
/// only in their words with digits (times, ports, ids, counts) are alike; the first
/// <see cref="Shown"/> of a kind in each <see cref="Period"/> are shown, and the rest counted,
/// then reported as one line once the period is over. Errors are always shown.
/// </summary>
public sealed partial class RepeatedLines(Action<string> show)
{
    public const int Shown = 3;
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(10);

    private sealed class Kind(long since)
    {
        public readonly long Since = since;
        public int Count = 1;
        public string Last = "";
    }

    private readonly Dictionary<string, Kind> _kinds = [];
    private long _swept = Stopwatch.GetTimestamp();

    public void Add(string line)
    {
        if (Always().IsMatch(line))
        {
            show(line);
            return;
        }
        var key = Variable().Replace(line, "#");
        var now = Stopwatch.GetTimestamp();
        List<string> reports;
        lock (_kinds)
        {
            reports = Stopwatch.GetElapsedTime(_swept, now) >= TimeSpan.FromSeconds(1) ? Sweep(now) : [];
            if (_kinds.TryGetValue(key, out var kind) && Stopwatch.GetElapsedTime(kind.Since, now) < Period)
            {
                kind.Last = line;
                if (++kind.Count > Shown)
                {
                    reports.ForEach(show);
                    return;
                }
            }
            else
            {
                if (kind is not null && kind.Count > Shown)
                    reports.Add(Report(kind));
                _kinds[key] = new Kind(now) { Last = line };
            }
        }
        reports.ForEach(show);
        show(line);
    }

    /// <summary>Reports every kind whose lines were counted and not yet reported.</summary>
    public void Flush()
    {
        List<string> reports;
        lock (_kinds)
        {
            reports = [.. _kinds.Values.Where(k => k.Count > Shown).Select(Report)];
            _kinds.Clear();
        }
        reports.ForEach(show);
    }

    /// <summary>Forgets the kinds whose period is over, with a report for each that hid lines.</summary>
    private List<string> Sweep(long now)
    {
        _swept = now;
        var reports = new List<string>();
        foreach (var (key, kind) in _kinds.Where(k => Stopwatch.GetElapsedTime(k.Value.Since, now) >= Period).ToList())
        {
            if (kind.Count > Shown)
                reports.Add(Report(kind));
            _kinds.Remove(key);
        }
        return reports;
    }

    private static string Report(Kind kind) =>
        $"... and {kind.Count - Shown:N0} more lines like this one in {Period.TotalSeconds:N0} s, the last: {kind.Last}";

    [GeneratedRegex(@"\w*\d\w*")]
    private static partial Regex Variable();

    /// <summary>Errors, in the services' JSON logs and in the console format.</summary>
    [GeneratedRegex(@"^(Error|Critical|\S+ (fail|crit)):")]
    private static partial Regex Always();
}
