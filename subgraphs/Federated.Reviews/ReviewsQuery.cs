using Federated.Reviews.Reviews;
using GraphQL.Types;

namespace Federated.Reviews;

public sealed class ReviewsQuery : ObjectGraphType
{
    public ReviewsQuery()
    {
        Name = "Query";
        ReviewQueries.AddTo(this);
    }
}
