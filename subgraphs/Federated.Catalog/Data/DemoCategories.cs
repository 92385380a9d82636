namespace Federated.Catalog.Data;

/// <summary>The demo category tree: departments and the kinds of products in them.</summary>
public static class DemoCategories
{
    private static readonly (string Department, string[] Leaves)[] Tree =
    [
        ("Electronics", ["Headphones", "Speakers", "Laptops", "Monitors", "Cameras", "Smartwatches"]),
        ("Home & Kitchen", ["Cookware", "Coffee Makers", "Blenders", "Lamps", "Bedding"]),
        ("Sports & Outdoors", ["Running Shoes", "Tents", "Backpacks", "Yoga Mats", "Bicycles"]),
        ("Clothing", ["Jackets", "T-Shirts", "Jeans", "Sneakers", "Hats"]),
        ("Toys & Games", ["Board Games", "Puzzles", "Building Sets", "Dolls"]),
        ("Books", ["Cookbooks", "Novels", "Travel Guides"]),
        ("Beauty", ["Hair Dryers", "Fragrances", "Skin Care"]),
        ("Office", ["Desk Chairs", "Notebooks", "Pens", "Desks"]),
    ];

    public static List<Category> Build()
    {
        var categories = new List<Category>();
        foreach (var (department, leaves) in Tree)
        {
            var parent = new Category { Id = Slug(department), Name = department };
            categories.Add(parent);
            categories.AddRange(leaves.Select(l => new Category { Id = $"{parent.Id}.{Slug(l)}", Name = l, ParentId = parent.Id }));
        }
        return categories;
    }

    /// <summary>The singular noun a product of the category is called by ("Headphones", "Tent").</summary>
    public static string Noun(Category category) => category.Name switch
    {
        "Headphones" or "Jeans" or "Running Shoes" or "Sneakers" => category.Name,
        var n when n.EndsWith("ies", StringComparison.Ordinal) => n[..^3] + "y",
        var n when n.EndsWith("es", StringComparison.Ordinal) && (n.EndsWith("ches", StringComparison.Ordinal) || n.EndsWith("shes", StringComparison.Ordinal)) => n[..^2],
        var n when n.EndsWith('s') => n[..^1],
        var n => n,
    };

    private static string Slug(string name) =>
        new string(name.ToLowerInvariant().Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Replace("---", "-");
}
