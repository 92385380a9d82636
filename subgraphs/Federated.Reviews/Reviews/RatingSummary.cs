namespace Federated.Reviews.Reviews;

/// <summary>A product's star rating: mean, number of reviews, and counts of 1 to 5 stars.</summary>
public sealed record RatingSummary(double Average, int Count, IReadOnlyList<int> Histogram)
{
    public static RatingSummary Empty { get; } = new(0, 0, [0, 0, 0, 0, 0]);

    public static RatingSummary FromHistogram(int[] histogram)
    {
        var count = histogram.Sum();
        var average = count == 0 ? 0 : Math.Round(histogram.Select((n, i) => n * (i + 1.0)).Sum() / count, 2);
        return new RatingSummary(average, count, histogram);
    }
}
