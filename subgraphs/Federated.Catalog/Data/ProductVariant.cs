namespace Federated.Catalog.Data;

/// <summary>One buyable form of a product, identified by its SKU (the document id).</summary>
public sealed class ProductVariant
{
    public string Sku { get; set; } = "";
    public string ProductId { get; set; } = "";

    /// <summary>The order variants are listed in on their product.</summary>
    public int Position { get; set; }

    public string Title { get; set; } = "";
    public List<ProductAttribute> Options { get; set; } = [];
    public decimal Price { get; set; }
    public decimal? ListPrice { get; set; }
    public string CurrencyCode { get; set; } = "USD";

    /// <summary>Shipping weight of one unit, packed, in grams: what carriers' rates go by.</summary>
    public int WeightGrams { get; set; } = DefaultWeightGrams;

    public const int DefaultWeightGrams = 500;
    public const int MaxWeightGrams = 100_000;
}
