namespace Federated.Gateway.FeatureGraphs.Data;

// Entity representations as the gateways send them (classes with setters: GraphQL.NET fills them from
// the representation's fields, which a positional record cannot receive).

public sealed class IdKey
{
    public string Id { get; set; } = "";
}

public sealed class UserKey
{
    public string Id { get; set; } = "";
    public IdKey? Org { get; set; }
}

public sealed class WarehouseKey
{
    public string Region { get; set; } = "";
    public string Code { get; set; } = "";
}

public sealed class SellerKey
{
    public string? Handle { get; set; }
    public string? AccountNo { get; set; }
    public string? VatId { get; set; }
}

public sealed class ProductKey
{
    public string? Upc { get; set; }
    public string? Sku { get; set; }
}

/// <summary>Inventory's product: its key and the fields its <c>shippingEstimate</c> requires.</summary>
public sealed class ProductRequirements
{
    public string Sku { get; set; } = "";
    public int? Price { get; set; }
    public int? Weight { get; set; }
}

public sealed class MovieKey
{
    public string Id { get; set; } = "";
}

public sealed class BookKey
{
    public string Id { get; set; } = "";
}

/// <summary>An account as the @interfaceObject subgraph knows it: only its id.</summary>
public sealed class AccountRef
{
    public string Id { get; set; } = "";
}
