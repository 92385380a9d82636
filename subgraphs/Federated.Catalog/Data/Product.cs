namespace Federated.Catalog.Data;

public sealed class Product
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public string Brand { get; set; } = "";
    public string CategoryId { get; set; } = "";
    public decimal Price { get; set; }
    public string CurrencyCode { get; set; } = "USD";
    public DateTime CreatedAt { get; set; }
}
