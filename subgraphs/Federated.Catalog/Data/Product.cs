namespace Federated.Catalog.Data;

public sealed class Product
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string Brand { get; set; } = "";
    public string CategoryId { get; set; } = "";

    /// <summary>The lowest variant price, kept here by every variant write so that lists can filter and sort on it.</summary>
    public decimal Price { get; set; }

    /// <summary>The list price of the cheapest variant when it is on sale.</summary>
    public decimal? ListPrice { get; set; }

    public string CurrencyCode { get; set; } = "USD";
    public List<ProductImage> Images { get; set; } = [];
    public List<ProductAttribute> Attributes { get; set; } = [];
    public DateTime CreatedAt { get; set; }

    /// <summary>Sets <see cref="Price"/> and <see cref="ListPrice"/> from the product's variants (at least one).</summary>
    public void PriceFrom(IEnumerable<ProductVariant> variants)
    {
        var cheapest = variants.OrderBy(v => v.Price).ThenBy(v => v.Position).First();
        Price = cheapest.Price;
        ListPrice = cheapest.ListPrice;
        CurrencyCode = cheapest.CurrencyCode;
    }
}
