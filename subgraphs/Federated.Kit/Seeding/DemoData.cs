using Microsoft.Extensions.Configuration;

namespace Federated.Kit.Seeding;

/// <summary>
/// The identities the demo seed data of all services agree on, so that a review seeded by
/// the reviews service points at a product seeded by the catalog without either service
/// reading the other's database. Sizes come from <c>Seed:Products</c>, <c>Seed:Users</c>
/// and <c>Seed:Reviews</c>.
/// </summary>
public static class DemoData
{
    public const int DefaultProducts = 1_000;
    public const int DefaultUsers = 500;
    public const int DefaultReviews = 12_000;

    /// <summary>Every generator starts from this seed: the same data on every machine.</summary>
    public const int RandomSeed = 20261127;

    public static string ProductId(int index) => $"prod-{index:D7}";

    /// <summary>A seeded variant's SKU: <c>SKU-&lt;product number, 7 digits&gt;-&lt;variant number, 2 digits&gt;</c>, e.g. SKU-0000042-03.</summary>
    public static string Sku(int productIndex, int variantIndex) => $"SKU-{productIndex:D7}-{variantIndex:D2}";

    public static string UserId(int index) => $"user-{index:D6}";

    public static int Products(IConfiguration configuration) => configuration.GetValue("Seed:Products", DefaultProducts);

    public static int Users(IConfiguration configuration) => configuration.GetValue("Seed:Users", DefaultUsers);

    public static int Reviews(IConfiguration configuration) => configuration.GetValue("Seed:Reviews", DefaultReviews);
}
