using System.Text;
using System.Text.Json;

namespace Federated.Benchmarks;

/// <summary>One benchmark query: its request bodies (serialized once, sent in turn) and the root field every answer must hold.</summary>
public sealed record GatewayQuery(string Key, string Name, string RootField, byte[][] Bodies)
{
    /// <summary>The root field with an object after it, as both gateways write it (compact JSON).</summary>
    public byte[] RootMarker { get; } = Encoding.UTF8.GetBytes($"\"{RootField}\":{{");

    public byte[] Body(long i) => Bodies[i % Bodies.Length];
}

public static class GatewayQueries
{
    /// <summary>The seeded catalog's products: prod-0000001 to prod-0001000.</summary>
    public const int SeededProducts = 1_000;

    private const string ProductPageQuery = """
        query ProductPage($id: ID!) {
          product(id: $id) {
            name
            price { amount currencyCode }
            variants { sku title price { amount currencyCode } quantityAvailable }
            rating { average count }
            reviews(first: 3) { nodes { rating title author { id } } }
          }
        }
        """;

    // In the style of the public gateway benchmarks: a list, its reviews, each review's product and its reviews.
    private const string DeepNestedQuery = """
        query DeepNested {
          products(first: 10) {
            nodes {
              name
              reviews(first: 3) {
                nodes {
                  rating
                  product { name reviews(first: 2) { nodes { title } } }
                }
              }
            }
          }
        }
        """;

    /// <summary>(a) a product page, the product id going round the whole seeded catalog.</summary>
    public static GatewayQuery ProductPage { get; } = new("a", "product page", "product",
        [.. Enumerable.Range(1, SeededProducts).Select(i => Serialize(ProductPageQuery, new { id = $"prod-{i:D7}" }))]);

    /// <summary>(b) the deep nested query (no variables: every request is the same).</summary>
    public static GatewayQuery DeepNested { get; } = new("b", "deep nested", "products", [Serialize(DeepNestedQuery, null)]);

    public static IReadOnlyList<GatewayQuery> All { get; } = [ProductPage, DeepNested];

    private static byte[] Serialize(string query, object? variables) =>
        JsonSerializer.SerializeToUtf8Bytes(new { query, variables });
}
