namespace Federated.Reviews.Reviews;

/// <summary>A product's star rating: mean, number of reviews, and counts of 1 to 5 stars.</summary>
public sealed record RatingSummary(double Average, int Count, IReadOnlyList<int> Histogram)
{
    public static RatingSummary Empty { get; } = new(0, 0, [0, 0, 0, 0, 0]);

    public static RatingSummary FromHistogram(int[] histogram)
    {
        var count = histogram.Sum();
        // In decimal, a half rounded up as shoppers read it (4.125 is 4.13): a double's default
        // rounding took halves to the even digit, and some halves are not exact in binary.
        var average = count == 0 ? 0 : (double)Math.Round((decimal)histogram.Select((n, i) => n * (i + 1)).Sum() / count, 2, MidpointRounding.AwayFromZero);
        return new RatingSummary(average, count, histogram);
    }
}
