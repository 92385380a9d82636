namespace Federated.Catalog.Data;

/// <summary>A named property of a product ("Material": "Cotton") or an option of a variant ("Size": "M").</summary>
public sealed record ProductAttribute(string Name, string Value);
