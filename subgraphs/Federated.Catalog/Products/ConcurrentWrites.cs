using Federated.Catalog.Data;
using Marten;
using JasperFx;

namespace Federated.Catalog.Products;

/// <summary>
/// Writes to one product and its variants run one at a time: a product's price is derived from
/// its variants, so two variant writes racing on one product could each save a price computed
/// from a stale sibling, and an edit that read its variant before another edit of it committed
/// saved the old values back over the new (a price change undone without an error). Each write
/// locks its product's row first, in its session's transaction, and reads everything it changes
/// after that. Product documents also use optimistic concurrency, a guard for any write that
/// does not take the lock: the loser of such a race reloads and tries again on a fresh session.
/// </summary>
public static class ConcurrentWrites
{
    private const int Attempts = 5;

    /// <summary>
    /// Runs <paramref name="write"/> in a transaction that holds the row lock of the product
    /// <paramref name="productId"/> (none when there is no such product: the write finds it
    /// missing); its session's reads after the lock see every earlier write to the product.
    /// </summary>
    public static Task<T> OnProductAsync<T>(IDocumentStore store, string productId, Func<IDocumentSession, Task<T>> write, CancellationToken cancellationToken) =>
        RetryAsync(store, async session =>
        {
            await session.BeginTransactionAsync(cancellationToken);
            await session.QueryAsync<int>($"select 1 from {CatalogStore.ProductsTable} where id = ? for update", cancellationToken, productId);
            return await write(session);
        });

    /// <summary>Runs <paramref name="write"/> on a fresh session, again when its save lost a race on a product's version.</summary>
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
