using Marten;
using JasperFx;

namespace Federated.Catalog.Products;

/// <summary>
/// Product documents use optimistic concurrency: a product's price is derived from its
/// variants, so two variant writes racing on one product could each save a price computed
/// from a stale sibling. The loser of such a race reloads and tries again on a fresh session.
/// </summary>
public static class ConcurrentWrites
{
    private const int Attempts = 5;

    public static async Task<T> RetryAsync<T>(IDocumentStore store, Func<IDocumentSession, Task<T>> write)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var session = store.LightweightSession();
            try
            {
                return await write(session);
            }
            catch (Exception ex) when (attempt < Attempts && IsConflict(ex))
            {
                await Task.Delay(Random.Shared.Next(1, 5 * attempt));
            }
        }
    }

    /// <summary>
    /// Whether a save was refused because a document it inserts was written meanwhile (a SKU
    /// taken by a request sent at once). Marten throws one such refusal as itself and several
    /// (two SKUs of one product taken) as an AggregateException, which was an internal error
    /// instead of <c>DUPLICATE_SKU</c> (found by a review).
    /// </summary>
    public static bool TakenMeanwhile(Exception ex) =>
        ex is DocumentAlreadyExistsException || (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(TakenMeanwhile));

    private static bool IsConflict(Exception ex) =>
        ex is ConcurrencyException || (ex is AggregateException aggregate && aggregate.InnerExceptions.All(IsConflict));
}
