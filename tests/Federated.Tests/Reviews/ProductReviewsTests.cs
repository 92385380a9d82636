using System.Buffers.Text;
using System.Text.Json;
using Federated.Tests.Infrastructure;
using Npgsql;

namespace Federated.Tests.Reviews;

/// <summary>Reviews and rating on the catalog's Product, resolved through <c>_entities</c> as the gateway does.</summary>
[Collection(FederatedCollection.Name)]
public sealed class ProductReviewsTests(FederatedStack stack)
{
    private const string Popular = "prod-0000001"; // the seed's long tail gives the first products the most reviews

    [Fact]
    public async Task Entities_ReturnsReviewsAndRating_InRepresentationOrder()
    {
        string[] ids = ["prod-0000003", Popular, "prod-0000002"];

        var entities = await stack.ProductEntitiesAsync(ids,
            "id reviews(first: 3) { nodes { id product { id } rating } } rating { average count histogram }");

        Assert.Equal(ids, entities.Select(e => e.Id()));
        foreach (var entity in entities)
        {
            var reviews = entity.GetProperty("reviews").GetProperty("nodes").EnumerateArray().ToList();
            Assert.Equal(3, reviews.Count);
            Assert.All(reviews, r => Assert.Equal(entity.Id(), r.GetProperty("product").Id()));
            Assert.True(entity.GetProperty("rating").GetProperty("count").GetInt32() >= 3);
        }
    }

    [Fact]
    public async Task Rating_HistogramSumsToCount_AndAverageMatches_ForEveryProduct()
    {
        var ids = Enumerable.Range(1, FederatedStack.SeededProducts).Select(i => $"prod-{i:D7}").ToList();

        var entities = await stack.ProductEntitiesAsync(ids, "id rating { average count histogram }");

        Assert.Equal(ids, entities.Select(e => e.Id()));
        var total = 0;
        foreach (var entity in entities)
        {
            var rating = entity.GetProperty("rating");
            var histogram = rating.GetProperty("histogram").EnumerateArray().Select(h => h.GetInt32()).ToArray();
            var count = rating.GetProperty("count").GetInt32();
            Assert.Equal(5, histogram.Length);
            Assert.Equal(count, histogram.Sum());
            // To the cent of a star, halves up (4.125 is 4.13; until the twenty-first session 4.12).
            var expected = count == 0 ? 0 : (double)Math.Round((decimal)histogram.Select((n, i) => n * (i + 1)).Sum() / count, 2, MidpointRounding.AwayFromZero);
            Assert.Equal(expected, rating.GetProperty("average").GetDouble());
            total += count;
        }
        // Every seeded review belongs to a seeded product.
        Assert.Equal(FederatedStack.SeededReviews, total);
    }

    [Fact]
    public async Task Rating_AgreesWithTheProductsReviews()
    {
        var rating = (await stack.ProductEntitiesAsync([Popular], "rating { count histogram }"))[0].GetProperty("rating");

        var reviews = await stack.AllReviewsAsync("Product", Popular);

        Assert.Equal(rating.GetProperty("count").GetInt32(), reviews.Count);
        var histogram = Enumerable.Range(1, 5).Select(stars => reviews.Count(r => r.Rating() == stars));
        Assert.Equal(rating.GetProperty("histogram").EnumerateArray().Select(h => h.GetInt32()), histogram);
    }

    [Fact]
    public async Task Rating_IsZero_WhenProductHasNoReviews()
    {
        var entity = (await stack.ProductEntitiesAsync(["prod-9999999"], "id reviews { nodes { id } pageInfo { hasNextPage } } rating { average count histogram }"))[0];

        Assert.Empty(entity.GetProperty("reviews").GetProperty("nodes").EnumerateArray());
        Assert.False(entity.GetProperty("reviews").GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Equal(0, entity.GetProperty("rating").GetProperty("count").GetInt32());
        Assert.Equal(0, entity.GetProperty("rating").GetProperty("average").GetDouble());
        Assert.Equal([0, 0, 0, 0, 0], entity.GetProperty("rating").GetProperty("histogram").EnumerateArray().Select(h => h.GetInt32()));
    }

    [Theory]
    [InlineData("NEWEST")]
    [InlineData("MOST_HELPFUL")]
    [InlineData("HIGHEST_RATING")]
    [InlineData("LOWEST_RATING")]
    public async Task Reviews_VisitsEveryReviewOnceInOrder_WhenPagingToTheEnd(string sort)
    {
        var expected = await stack.AllReviewsAsync("Product", Popular, "NEWEST", pageSize: 100);
        Assert.True(expected.Count > 100, $"{Popular} should have several pages of reviews, has {expected.Count}.");

        // Small pages: many cursors, and many ties on rating and helpfulness.
        var reviews = await stack.AllReviewsAsync("Product", Popular, sort, pageSize: 7);

        Assert.Equal(expected.Select(r => r.Id()).Order(), reviews.Select(r => r.Id()).Order());
        Assert.All(reviews, r => Assert.Equal(Popular, r.GetProperty("product").Id()));
        var keys = reviews.Select(r => sort switch
        {
            "NEWEST" => -DateTimeOffset.Parse(r.GetProperty("createdAt").GetString()!).UtcTicks,
            "MOST_HELPFUL" => -r.GetProperty("helpfulVotes").GetInt32(),
            "HIGHEST_RATING" => -r.Rating(),
            _ => (long)r.Rating(),
        }).ToList();
        Assert.Equal(keys.Order(), keys);
    }

    [Fact]
    public async Task Reviews_ReturnsDefaultPageOf20_WhenFirstIsOmitted()
    {
        var entity = (await stack.ProductEntitiesAsync([Popular], "reviews { nodes { id } edges { cursor } pageInfo { hasNextPage endCursor } }"))[0];

        var reviews = entity.GetProperty("reviews");
        Assert.Equal(20, reviews.GetProperty("nodes").GetArrayLength());
        Assert.True(reviews.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        Assert.Equal(reviews.GetProperty("edges")[19].GetProperty("cursor").GetString(), reviews.GetProperty("pageInfo").GetProperty("endCursor").GetString());
    }

    [Theory]
    [InlineData(101)]
    [InlineData(-1)]
    public async Task Reviews_ReturnsBadUserInput_WhenFirstIsOutOfRange(int first)
    {
        var response = await ReviewsPageAsync(first, after: null, sort: "NEWEST");

        response.SingleError("BAD_USER_INPUT");
    }

    [Fact]
    public async Task Reviews_ReturnsInvalidCursor_WhenAfterIsGarbage()
    {
        var response = await ReviewsPageAsync(5, "garbage!!", "NEWEST");

        response.SingleError("INVALID_CURSOR");
    }

    [Fact]
    public async Task Reviews_ReturnsInvalidCursor_WhenCursorBelongsToAnotherSort()
    {
        var first = await ReviewsPageAsync(5, after: null, sort: "NEWEST");
        var endCursor = first.Data.GetProperty("_entities")[0].GetProperty("reviews").GetProperty("pageInfo").GetProperty("endCursor").GetString();

        var response = await ReviewsPageAsync(5, endCursor, "MOST_HELPFUL");

        response.SingleError("INVALID_CURSOR");
    }

    [Theory]
    [InlineData("NEWEST", "not a date")]
    [InlineData("MOST_HELPFUL", "many")]
    [InlineData("HIGHEST_RATING", "99999999999999999999")]
    public async Task Reviews_ReturnsInvalidCursor_WhenCursorValueIsTamperedWith(string sort, string value)
    {
        // Cursors are opaque to clients, but a client can still forge one. This one is a real
        // cursor (base64url JSON: [sort, sort value, id]) with its sort value replaced: the answer
        // must be a clear INVALID_CURSOR, not an internal error from the database.
        var page = await ReviewsPageAsync(5, after: null, sort);
        var cursor = page.Data.GetProperty("_entities")[0].GetProperty("reviews").GetProperty("pageInfo").GetProperty("endCursor").GetString()!;
        var parts = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(cursor))!;
        parts[1] = value;
        var forged = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(parts));

        var response = await ReviewsPageAsync(5, forged, sort);

        response.SingleError("INVALID_CURSOR");
    }

    [Fact]
    public async Task Reviews_ReturnsInvalidCursor_WhenTheCursorsIdIsNull()
    {
        var forged = Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(new[] { "Newest", "2026-10-01T00:00:00.0000000Z", null }));

        var response = await ReviewsPageAsync(5, forged, "NEWEST");

        response.SingleError("INVALID_CURSOR");
    }

    /// <summary>
    /// A stale cursor in one reviews field is that field's error only. Before, it failed the
    /// whole batch, so every reviews field loaded with it (here `recent`, given no cursor) was
    /// answered INVALID_CURSOR as well. (The product is null either way: its reviews are non-null.)
    /// </summary>
    [Fact]
    public async Task AStaleCursor_FailsItsOwnReviewsField_NotTheOthersLoadedWithIt()
    {
        var newest = await ReviewsPageAsync(3, after: null, sort: "NEWEST");
        var staleCursor = newest.Data.GetProperty("_entities")[0].GetProperty("reviews").GetProperty("pageInfo").GetProperty("endCursor").GetString();

        var response = await stack.PostAsync(ServiceNames.Reviews, """
            query($representations: [_Any!]!, $after: String) {
              _entities(representations: $representations) {
                ... on Product {
                  id
                  recent: reviews(first: 3) { nodes { id } }
                  helpful: reviews(first: 3, sort: MOST_HELPFUL, after: $after) { nodes { id } }
                }
              }
            }
            """, new
        {
            representations = new[] { new { __typename = "Product", id = Popular }, new { __typename = "Product", id = "prod-0000002" } },
            after = staleCursor,
        });

        Assert.Equal(["INVALID_CURSOR", "INVALID_CURSOR"], response.ErrorCodes);
        Assert.All(response.Errors, e => Assert.Equal("helpful", e.GetProperty("path")[2].GetString()));
        var products = response.Json.GetProperty("data").GetProperty("_entities");
        Assert.Equal(2, products.GetArrayLength());
        Assert.All(products.EnumerateArray(), p => Assert.Equal(JsonValueKind.Null, p.ValueKind));
    }

    [Fact]
    public async Task ReviewsAndRating_CostOneBatchEach_ForFiftyProducts()
    {
        var ids = Enumerable.Range(1, 50).Select(i => $"prod-{i:D7}").ToList();

        var (entities, delta) = await stack.MeasureAsync(
            () => stack.ProductEntitiesAsync(ids, "id reviews(first: 3) { nodes { rating title } } rating { average count histogram }"),
            ServiceNames.Reviews);

        var counters = delta[ServiceNames.Reviews];
        Assert.Equal(50, entities.Count);
        Assert.True(counters.EntityRequests == 1, $"Expected one _entities request: {counters}");
        Assert.True(counters.Batches("ReviewsByProductDataLoader") == 1, $"Expected one ReviewsByProductDataLoader batch: {counters}");
        Assert.True(counters.Batches("RatingByProductDataLoader") == 1, $"Expected one RatingByProductDataLoader batch: {counters}");
        Assert.True(counters.StoreRoundTrips == 2, $"Expected 2 store round trips: {counters}");
    }

    /// <summary>
    /// A page of a product's (an author's) reviews, newest first, is the first rows of that
    /// owner's part of a composite index. Those indexes were once configured through a Marten
    /// setting that does nothing and never existed, which made every page read all the
    /// owner's reviews; nothing else would notice them missing.
    /// </summary>
    [Fact]
    public async Task ReviewPages_HaveTheirNewestFirstIndexes()
    {
        await using var connection = new NpgsqlConnection(stack.Settings.PostgresConnectionString(Subgraph.Named(ServiceNames.Reviews).Database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select indexname, indexdef from pg_indexes where schemaname = 'reviews' and tablename = 'mt_doc_review'", connection);
        var indexes = new Dictionary<string, string>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                indexes[reader.GetString(0)] = reader.GetString(1);
        }

        Assert.EndsWith("(product_id, created_at, id)", indexes.GetValueOrDefault("reviews_by_product_newest"));
        Assert.EndsWith("(author_id, created_at, id)", indexes.GetValueOrDefault("reviews_by_author_newest"));
    }

    private Task<GraphQLResponse> ReviewsPageAsync(int first, string? after, string sort) =>
        stack.PostAsync(ServiceNames.Reviews, """
            query($representations: [_Any!]!, $first: Int, $after: String, $sort: ReviewSort) {
              _entities(representations: $representations) {
                ... on Product { reviews(first: $first, after: $after, sort: $sort) { nodes { id } pageInfo { endCursor } } }
              }
            }
            """, new
        {
            representations = new[] { new { __typename = "Product", id = Popular } },
            first,
            after,
            sort,
        });
}
