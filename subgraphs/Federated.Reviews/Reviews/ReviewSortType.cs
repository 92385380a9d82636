using GraphQL.Types;

namespace Federated.Reviews.Reviews;

public sealed class ReviewSortType : EnumerationGraphType<ReviewSort>
{
    public ReviewSortType()
    {
        Name = "ReviewSort";
    }
}
