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
}
