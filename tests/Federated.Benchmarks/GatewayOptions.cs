using System.Globalization;

namespace Federated.Benchmarks;

/// <summary>
/// Seconds measured per gateway and query, cut into slices that alternate between the gateways;
/// clients sending back to back; an unmeasured warm-up per gateway and query. <c>--rate</c>
/// (checkout only): buyers arriving at that many a second instead of back to back.
/// </summary>
public sealed record GatewayOptions(int Seconds, int Slice, int Concurrency, int WarmUp, int Rate = 0)
{
    public int Slices => (Seconds + Slice - 1) / Slice;

    public static bool TryParse(string[] args, out GatewayOptions options, out string problem)
    {
        options = new GatewayOptions(20, 10, 32, 10);
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            if (i + 1 >= args.Length || !int.TryParse(args[i + 1], NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var value) || value < 1)
            {
                problem = $"'{args[i]}' needs a positive whole number after it";
                return false;
            }
            switch (args[i++])
            {
                case "--seconds": options = options with { Seconds = value }; break;
                case "--slice": options = options with { Slice = value }; break;
                case "--concurrency": options = options with { Concurrency = value }; break;
                case "--warmup": options = options with { WarmUp = value }; break;
                case "--rate": options = options with { Rate = value }; break;
                default: problem = $"unknown option '{args[i - 1]}'"; return false;
            }
        }
        if (options.Slice > options.Seconds)
            options = options with { Slice = options.Seconds };
        return true;
    }
}
