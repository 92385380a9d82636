using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Kit.Marten;
using Federated.Kit.Paging;
using Federated.Reviews.Data;
using Marten;

namespace Federated.Reviews.Reviews;

public sealed class ReviewByIdDataLoader(IQuerySession session, KitCounters counters)
    : DocumentByIdDataLoader<Review>(session, counters, r => r.Id);

/// <summary>A page of one owner's reviews, as asked for by one field.</summary>
public sealed record ReviewPageRequest(string OwnerId, PagingArguments Paging, ReviewSort Sort);

/// <summary>
/// Pages of reviews for many owners at once. Keys that share paging and sort (all items of
/// a list asking the same field) go to the store in a single statement.
/// </summary>
public abstract class ReviewPageDataLoader(ReviewPageQuery query, KitCounters counters, string ownerColumn)
    : BatchDataLoader<ReviewPageRequest, Connection<Review>>(counters)
{
    protected override async Task<IReadOnlyDictionary<ReviewPageRequest, Connection<Review>>> LoadBatchAsync(IReadOnlyList<ReviewPageRequest> keys, CancellationToken cancellationToken)
    {
        var results = new Dictionary<ReviewPageRequest, Connection<Review>>();
        foreach (var group in keys.GroupBy(k => (k.Paging, k.Sort)))
        {
            var owners = group.Select(k => k.OwnerId).Distinct().ToList();
            var pages = await query.LoadAsync(ownerColumn, owners, group.Key.Paging, group.Key.Sort, cancellationToken);
            foreach (var key in group)
                results[key] = pages[key.OwnerId];
        }
        return results;
    }
}

public sealed class ReviewsByProductDataLoader(ReviewPageQuery query, KitCounters counters)
    : ReviewPageDataLoader(query, counters, "product_id");

public sealed class ReviewsByAuthorDataLoader(ReviewPageQuery query, KitCounters counters)
    : ReviewPageDataLoader(query, counters, "author_id");
