using Marten;

namespace Federated.Reviews.Data;

public static class ReviewsStore
{
    public const string Table = "reviews.mt_doc_review";

    public static void Configure(StoreOptions options)
    {
        // Columns of their own for everything the list queries filter, group and sort on;
        // the composite indexes serve "a product's reviews, newest first" and "by rating".
        var review = options.Schema.For<Review>();
        review.Duplicate(r => r.ProductId, notNull: true, configure: i => i.Columns = ["product_id", "created_at", "id"]);
        review.Duplicate(r => r.AuthorId, notNull: true, configure: i => i.Columns = ["author_id", "created_at", "id"]);
        review.Duplicate(r => r.Rating, notNull: true);
        review.Duplicate(r => r.HelpfulVotes, notNull: true);
        review.Duplicate(r => r.CreatedAt, notNull: true);
    }
}
