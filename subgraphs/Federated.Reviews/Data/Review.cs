namespace Federated.Reviews.Data;

public sealed class Review
{
    public string Id { get; set; } = "";
    public string ProductId { get; set; } = "";
    public string AuthorId { get; set; } = "";
    public int Rating { get; set; }
    public string Title { get; set; } = "";
    public string Body { get; set; } = "";
    public bool VerifiedPurchase { get; set; }
    public int HelpfulVotes { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
