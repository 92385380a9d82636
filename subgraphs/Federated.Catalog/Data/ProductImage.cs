namespace Federated.Catalog.Data;

public sealed record ProductImage(string Url, string Alt);
