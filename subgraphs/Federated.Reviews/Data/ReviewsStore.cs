using Federated.Kit.Hosting;
using Marten;
using Npgsql;

namespace Federated.Reviews.Data;

public static class ReviewsStore
{
    public const string Table = "reviews.mt_doc_review";

    /// <summary>"A product's reviews, newest first": a page is the first rows of that product's part of the index.</summary>
    public const string ByProductNewest = "reviews_by_product_newest";

    /// <summary>"An author's reviews, newest first", likewise.</summary>
    public const string ByAuthorNewest = "reviews_by_author_newest";

    public static void Configure(StoreOptions options)
    {
        // Columns of their own for everything the list queries filter, group and sort on.
        // Marten gives each one an index of its own; the two composite indexes are made by
        // ReviewIndexes (setting a duplicated field's index columns does nothing in Marten, which
        // is how they once went missing) and Marten is told to leave them alone.
        options.Schema.For<Review>()
            .Duplicate(r => r.ProductId, notNull: true)
            .Duplicate(r => r.AuthorId, notNull: true)
            .Duplicate(r => r.Rating, notNull: true)
            .Duplicate(r => r.HelpfulVotes, notNull: true)
            .Duplicate(r => r.CreatedAt, notNull: true)
            .IgnoreIndex(ByProductNewest)
            .IgnoreIndex(ByAuthorNewest);
    }
}

/// <summary>The composite indexes of <see cref="ReviewsStore"/>, once Marten has made the table; nothing when they exist.</summary>
public sealed class ReviewIndexes(NpgsqlDataSource dataSource) : IStartupTask
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Instances starting at once take turns (the statements are one transaction): one that
        // found the index not yet made while another built it failed when the other committed
        // (a duplicate in pg_class), and exited.
        await using var command = dataSource.CreateCommand($"""
            select pg_advisory_xact_lock(hashtext('{ReviewsStore.Table}.indexes'));
            {PostgresStore.CreateIndexIfMissingSql(ReviewsStore.ByProductNewest, ReviewsStore.Table, "(product_id, created_at, id)")}
            {PostgresStore.CreateIndexIfMissingSql(ReviewsStore.ByAuthorNewest, ReviewsStore.Table, "(author_id, created_at, id)")}
            """);
        // An index missing on a large table takes minutes to build; a timeout would fail every start.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
