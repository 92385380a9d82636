namespace Federated.Reviews.Reviews;

public enum ReviewSort
{
    Newest,
    MostHelpful,
    HighestRating,
    LowestRating,
}
