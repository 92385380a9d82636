using GraphQL.Types;

namespace Federated.Reviews.Reviews;

public sealed class RatingSummaryType : ObjectGraphType<RatingSummary>
{
    public RatingSummaryType()
    {
        Name = "RatingSummary";
        Field(r => r.Average).Description("Mean stars, rounded to two decimals; 0 when there are no reviews.");
        Field(r => r.Count);
        Field(r => r.Histogram).Description("Counts of 1, 2, 3, 4 and 5 star reviews, in that order.");
    }
}
