using System.Globalization;

namespace Federated.Benchmarks;

public sealed record BenchmarkOptions(int Products, int Iterations, int Concurrency)
{
    public static bool TryParse(string[] args, out BenchmarkOptions options, out string problem)
    {
        options = new BenchmarkOptions(1_000_000, 300, 1);
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
                case "--products": options = options with { Products = value }; break;
                case "--iterations": options = options with { Iterations = value }; break;
                case "--concurrency": options = options with { Concurrency = value }; break;
                default: problem = $"unknown option '{args[i - 1]}'"; return false;
            }
        }
        return true;
    }
}

/// <summary>A failure to report in one line, without a stack trace: a store or service that would not start.</summary>
public sealed class BenchmarkException(string message) : Exception(message);
