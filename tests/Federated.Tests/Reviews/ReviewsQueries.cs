using System.Text.Json;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Reviews;

/// <summary>Requests the reviews tests share: entity look-ups the way a gateway sends them.</summary>
internal static class ReviewsQueries
{
    public const string ReviewFields = "id product { id } author { id } rating title body verifiedPurchase helpfulVotes createdAt";

    public static object Representations(string typename, IEnumerable<string> ids) =>
        new { representations = ids.Select(id => new Dictionary<string, string> { ["__typename"] = typename, ["id"] = id }).ToArray() };

    public static async Task<List<JsonElement>> ProductEntitiesAsync(this FederatedStack stack, IEnumerable<string> ids, string selection)
    {
        var response = await stack.PostAsync(ServiceNames.Reviews,
            $"query($representations: [_Any!]!) {{ _entities(representations: $representations) {{ ... on Product {{ {selection} }} }} }}",
            Representations("Product", ids));
        return [.. response.Data.GetProperty("_entities").EnumerateArray()];
    }

    public static async Task<List<JsonElement>> UserEntitiesAsync(this FederatedStack stack, IEnumerable<string> ids, string selection)
    {
        var response = await stack.PostAsync(ServiceNames.Reviews,
            $"query($representations: [_Any!]!) {{ _entities(representations: $representations) {{ ... on User {{ {selection} }} }} }}",
            Representations("User", ids));
        return [.. response.Data.GetProperty("_entities").EnumerateArray()];
    }

    /// <summary>Every review of one product or user, page by page, with the given sort.</summary>
    public static async Task<List<JsonElement>> AllReviewsAsync(this FederatedStack stack, string typename, string id, string sort = "NEWEST", int pageSize = 100)
    {
        var all = new List<JsonElement>();
        string? after = null;
        for (var pages = 0; ; pages++)
        {
            Assert.True(pages < 1000, "Paging did not end.");
            var response = await stack.PostAsync(ServiceNames.Reviews, $$"""
                query($representations: [_Any!]!, $first: Int, $after: String, $sort: ReviewSort) {
                  _entities(representations: $representations) {
                    ... on {{typename}} {
                      reviews(first: $first, after: $after, sort: $sort) {
                        nodes { {{ReviewFields}} }
                        pageInfo { hasNextPage endCursor }
                      }
                    }
                  }
                }
                """, new
            {
                representations = new[] { new Dictionary<string, string> { ["__typename"] = typename, ["id"] = id } },
                first = pageSize,
                after,
                sort,
            });
            var reviews = response.Data.GetProperty("_entities")[0].GetProperty("reviews");
            var nodes = reviews.GetProperty("nodes").EnumerateArray().ToList();
            Assert.True(nodes.Count <= pageSize);
            all.AddRange(nodes);
            var pageInfo = reviews.GetProperty("pageInfo");
            if (!pageInfo.GetProperty("hasNextPage").GetBoolean())
                return all;
            Assert.Equal(pageSize, nodes.Count);
            after = pageInfo.GetProperty("endCursor").GetString();
        }
    }

    public static string Id(this JsonElement element) => element.GetProperty("id").GetString()!;

    public static int Rating(this JsonElement review) => review.GetProperty("rating").GetInt32();
}
