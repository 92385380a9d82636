using System.Globalization;

namespace Federated.Benchmarks;

/// <summary>
/// Seconds measured per gateway and query, cut into slices that alternate between the gateways;
/// clients sending back to back; an unmeasured warm-up per gateway and query. <c>--rate</c>
/// (checkout only): buyers arriving at that many a second instead of back to back.
/// <c>--history</c> (checkout only): the finished orders the orders database holds before the
/// run (<see cref="OrderHistory"/>); null when not given. <c>--hot-first</c> (checkout only):
/// the hot SKU's scenario before the spread SKUs', to tell a scenario's cost from its place.
/// </summary>
public sealed record GatewayOptions(int Seconds, int Slice, int Concurrency, int WarmUp, int Rate = 0, int? History = null, bool HotFirst = false)
{
    public int Slices => (Seconds + Slice - 1) / Slice;

    public static bool TryParse(string[] args, out GatewayOptions options, out string problem)
    {
        options = new GatewayOptions(20, 10, 32, 10);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--hot-first")
            {
                options = options with { HotFirst = true };
                continue;
            }
            // No history is a choice (a run on an empty orders database, as before); no seconds or buyers is not.
            var least = args[i] == "--history" ? 0 : 1;
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) || value < least)
            {
                problem = $"'{args[i]}' needs a {(least == 0 ? "" : "positive ")}whole number after it";
                return false;
            }
            switch (args[i++])
            {
                case "--seconds": options = options with { Seconds = value }; break;
                case "--slice": options = options with { Slice = value }; break;
                case "--concurrency": options = options with { Concurrency = value }; break;
                case "--warmup": options = options with { WarmUp = value }; break;
                case "--rate": options = options with { Rate = value }; break;
                case "--history": options = options with { History = value }; break;
                default: problem = $"unknown option '{args[i - 1]}'"; return false;
            }
        }
        if (options.Slice > options.Seconds)
            options = options with { Slice = options.Seconds };
        return true;
    }
}
