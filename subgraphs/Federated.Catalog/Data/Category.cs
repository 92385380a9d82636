namespace Federated.Catalog.Data;

public sealed class Category
{
    public string Id { get; set; } = "";
    public string Name { get; set; } = "";
    public string? ParentId { get; set; }
}
