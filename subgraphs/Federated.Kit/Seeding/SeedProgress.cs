using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Federated.Kit.Seeding;

/// <summary>
/// Progress of a long load as log lines: done and total, rate and time left, at most one
/// line every few seconds (and always the last), so a large seed is never a silent wait.
/// </summary>
public sealed class SeedProgress(ILogger logger, long total, string unit = "products")
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(3);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private TimeSpan _lastReport = TimeSpan.Zero;

    public void Report(long done)
    {
        var elapsed = _clock.Elapsed;
        if (done < total && elapsed - _lastReport < Interval)
            return;
        _lastReport = elapsed;
        var rate = done / Math.Max(elapsed.TotalSeconds, 0.001);
        var left = rate > 0 ? TimeSpan.FromSeconds((total - done) / rate) : TimeSpan.Zero;
        logger.LogInformation("Seeded {Done:N0}/{Total:N0} {Unit} ({Percent:F0}%), {Rate:N0}/s, {Left:mm\\:ss} left",
            done, total, unit, 100.0 * done / Math.Max(total, 1), rate, left);
    }
}
