using System.Globalization;

namespace Federated.Gateway.Supergraph;

/// <summary>
/// Progressive <c>@override</c> (federation 2.7): a field taken over with
/// <c>@override(from: "a", label: "...")</c> is resolved by the overriding subgraph only while
/// its label is active, and by the subgraph it comes from otherwise. The supergraph says so with
/// <c>@join__field(graph: B, override: "a", overrideLabel: "...")</c>.
/// <list type="bullet">
/// <item>A <c>percent(x)</c> label is active for x% of requests: each request draws a number r
/// in [0, 100), and every percent label above r is active for it (Apollo Router and Hive
/// Gateway draw the same way).</item>
/// <item>Any other label is active when the gateway's configuration enables it
/// (<c>FEDERATED_GATEWAY_OVERRIDE_LABELS</c>).</item>
/// </list>
/// The percent labels' values cut [0, 100) into a few ranges, and every request whose draw falls
/// in one range has the same active labels: a supergraph with k distinct percentages has k + 1
/// <see cref="Variants"/>, each planned with its own view of the supergraph. Without labels
/// there is one variant and no draw.
/// </summary>
public sealed class ProgressiveOverride
{
    private const string PercentPrefix = "percent(";

    // The distinct percentages, ascending: variant j is for draws in [_thresholds[j-1], _thresholds[j]).
    private readonly double[] _thresholds;
    private readonly double? _fixedDraw;

    /// <param name="labels">Every override label of the supergraph (<see cref="SupergraphModel.OverrideLabels"/>).</param>
    /// <param name="enabled">The labels other than percent labels that this gateway turns on.</param>
    /// <param name="fixedDraw">A draw in [0, 1) every request takes instead of a random one (tests; Hive Gateway's <c>PROGRESSIVE_OVERRIDE_RNG</c>).</param>
    public ProgressiveOverride(IReadOnlyCollection<string> labels, IReadOnlySet<string> enabled, double? fixedDraw = null)
    {
        var percents = labels.Select(l => (Label: l, Percent: Percent(l))).Where(p => p.Percent is not null).Select(p => (p.Label, Percent: p.Percent!.Value)).ToList();
        _thresholds = [.. percents.Select(p => p.Percent).Distinct().Order()];
        _fixedDraw = fixedDraw;
        var named = labels.Where(l => Percent(l) is null && enabled.Contains(l)).ToList();
        Variants = [.. Enumerable.Range(0, _thresholds.Length + 1).Select(j =>
        {
            // Draws in this range are at least the threshold below it: percent labels above that are active.
            var floor = j == 0 ? double.NegativeInfinity : _thresholds[j - 1];
            IReadOnlySet<string> active = new HashSet<string>(named.Concat(percents.Where(p => p.Percent > floor).Select(p => p.Label)), StringComparer.Ordinal);
            return active;
        })];
    }

    /// <summary>The sets of active labels a request can have; <see cref="Choose"/> picks one per request.</summary>
    public IReadOnlyList<IReadOnlySet<string>> Variants { get; }

    /// <summary>The variant of one request: a draw r in [0, 100) falls in a range between the percentages.</summary>
    public int Choose()
    {
        if (_thresholds.Length == 0)
            return 0;
        var draw = (_fixedDraw ?? Random.Shared.NextDouble()) * 100;
        var variant = 0;
        while (variant < _thresholds.Length && _thresholds[variant] <= draw)
            variant++;
        return variant;
    }

    /// <summary>The x of a <c>percent(x)</c> label; null for other labels. Throws for a percent label whose x is not a number from 0 to 100.</summary>
    public static double? Percent(string label)
    {
        if (!label.StartsWith(PercentPrefix, StringComparison.Ordinal))
            return null;
        var text = label.EndsWith(')') ? label[PercentPrefix.Length..^1] : null;
        if (text is null || !double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) || percent > 100)
            throw new SupergraphException($"The override label '{label}' is not percent(x) with x from 0 to 100.");
        return percent;
    }
}
