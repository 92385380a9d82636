using Bogus;
using Federated.Kit.Seeding;

namespace Federated.Catalog.Data;

/// <summary>The demo variants, images and attributes of a product, by the kind of product it is.</summary>
public static class DemoVariants
{
    private static readonly string[] Sizes = ["XS", "S", "M", "L", "XL"];
    private static readonly string[] ShoeSizes = ["7", "8", "9", "10", "11", "12"];
    private static readonly string[] Colours = ["Black", "White", "Navy", "Red", "Olive", "Silver", "Charcoal"];
    private static readonly string[] Editions = ["Standard", "Deluxe", "Travel", "Gift Set"];

    /// <summary>1 to 4 variants; the first is priced at the product's base price, each next one a step up.</summary>
    public static List<ProductVariant> For(Faker faker, int productIndex, Product product, Category category)
    {
        var (option, values) = OptionOf(category);
        var count = faker.Random.Int(1, Math.Min(4, values.Length));
        var chosen = faker.Random.Shuffle(values).Take(count).ToList();
        var colour = category.ParentId == "clothing" ? faker.PickRandom(Colours) : null;
        // Whole-unit steps and markdowns keep the base price's cents (x.99, x.49, x.00).
        var step = Math.Max(1, (int)(product.Price * 0.1m));
        var onSale = faker.Random.Bool(0.3f);
        var variants = new List<ProductVariant>(count);
        for (var v = 0; v < count; v++)
        {
            var price = product.Price + v * step;
            List<ProductAttribute> options = [new(option, chosen[v])];
            if (colour is not null)
                options.Add(new("Colour", colour));
            variants.Add(new ProductVariant
            {
                Sku = DemoData.Sku(productIndex, v + 1),
                ProductId = product.Id,
                Position = v + 1,
                Title = string.Join(" / ", options.Select(o => o.Value)),
                Options = options,
                Price = price,
                ListPrice = onSale ? price + Math.Max(1, (int)(price * faker.Random.Decimal(0.1m, 0.4m))) : null,
                CurrencyCode = product.CurrencyCode,
                WeightGrams = WeightOf(category) + v * WeightOf(category) / 10,
            });
        }
        return variants;
    }

    /// <summary>Images and attributes for a product.</summary>
    public static void Describe(Faker faker, Product product)
    {
        var views = new[] { "front view", "side view", "in use", "detail" };
        product.Images = [.. Enumerable.Range(1, faker.Random.Int(1, 3)).Select(n =>
            new ProductImage($"https://images.federated.example/products/{product.Id}/{n}.jpg", $"{product.Name}, {views[n - 1]}"))];
        product.Attributes =
        [
            new("Material", faker.Commerce.ProductMaterial()),
            new("Warranty", faker.PickRandom("None", "1 year", "2 years", "Lifetime")),
            new("Country of origin", faker.Address.Country()),
        ];
    }

    /// <summary>A typical packed weight for the kind of product, in grams (no randomness: the seed's other values stay put).</summary>
    private static int WeightOf(Category category) => category.Name switch
    {
        "Laptops" => 2_400, "Monitors" => 6_500, "Bicycles" => 16_000, "Tents" => 3_200, "Desks" => 28_000, "Desk Chairs" => 17_000,
        "Cookware" => 2_100, "Coffee Makers" => 3_800, "Blenders" => 3_000, "Lamps" => 2_200, "Bedding" => 1_900, "Speakers" => 1_400,
        "Cameras" => 900, "Backpacks" => 1_100, "Running Shoes" or "Sneakers" => 1_000, "Jackets" => 900, "Jeans" => 700, "Yoga Mats" => 1_300,
        "Board Games" or "Building Sets" => 1_200, "Puzzles" => 800, "Hair Dryers" => 900, "Cookbooks" or "Novels" or "Travel Guides" => 600,
        _ => 350,
    };

    private static (string Option, string[] Values) OptionOf(Category category) => category switch
    {
        { ParentId: "clothing", Name: "Sneakers" } or { Name: "Running Shoes" } => ("Size", ShoeSizes),
        { ParentId: "clothing" } => ("Size", Sizes),
        { ParentId: "electronics" or "home-kitchen" or "sports-outdoors" or "office" } => ("Colour", Colours),
        _ => ("Edition", Editions),
    };
}
