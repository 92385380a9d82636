namespace Federated.Gateway.FeatureGraphs.Data;

/// <summary>
/// The feature subgraphs' data: small, fixed and in memory (these are fixtures of the gateway, not
/// stores). Every subgraph reads its own part; the values two subgraphs both serve (shareable fields,
/// provided fields) come from the same record, so they agree as federation requires. Mutations change
/// it; <see cref="Reset"/> puts the seed back, and the tests reset before each request.
/// </summary>
public sealed class World
{
    private readonly Lock _gate = new();
    private State _state = State.Seed();

    public State Current
    {
        get
        {
            lock (_gate)
                return _state;
        }
    }

    public void Reset()
    {
        lock (_gate)
            _state = State.Seed();
    }

    /// <summary>Applies a change to a copy and publishes it: readers never see half a change.</summary>
    public T Change<T>(Func<State, (State State, T Result)> change)
    {
        lock (_gate)
        {
            var (state, result) = change(_state);
            _state = state;
            return result;
        }
    }
}

public sealed record State(
    IReadOnlyList<Org> Orgs,
    IReadOnlyList<AccountRecord> Accounts,
    IReadOnlyList<ProductRecord> Products,
    IReadOnlyList<MediaRecord> Media,
    IReadOnlyList<WarehouseRecord> Warehouses,
    IReadOnlyList<SellerRecord> Sellers,
    IReadOnlyList<ReviewRecord> Reviews)
{
    public const string DiscontinuedSku = "SKU-5";
    public const string UncountedSku = "SKU-6";
    public const string FeaturedUpc = "p1";

    public static State Seed() => new(
        Orgs: [new("o1", "Acme"), new("o2", "Globex")],
        Accounts:
        [
            new("u1", "Ada Lovelace", "ada", "o1", AdminLevel: null),
            new("u2", "Grace Hopper", "grace", "o2", AdminLevel: null),
            new("a1", "Root", "root", "o1", AdminLevel: 9),
            new("u3", "Alan Turing", "alan", "o1", AdminLevel: null),
        ],
        Products:
        [
            new("p1", "SKU-1", "Table", 899, 12_500, Stock: 5),
            new("p2", "SKU-2", "Couch", 1299, 45_000, Stock: 0),
            new("p3", "SKU-3", "Chair", 54, 5_200, Stock: 12),
            new("p4", "SKU-4", "Lamp", 25, 1_500, Stock: 0),
            new("p5", DiscontinuedSku, "Rug", 150, 8_000, Stock: 3),
            new("p6", UncountedSku, "Shelf", 70, 9_900, Stock: 7),
        ],
        Media:
        [
            new("b1", "Dune", IsBook: true, 412),
            new("m1", "Alien", IsBook: false, 117),
            new("b2", "Emma", IsBook: true, 320),
            new("m2", "Heat", IsBook: false, 170),
        ],
        Warehouses:
        [
            new("eu", "AMS", "Amsterdam", ["SKU-1", "SKU-3"], ManagerId: "u1", SellerVatId: "VAT-NL-1"),
            new("eu", "BER", "Berlin", ["SKU-2", "SKU-4", "SKU-6"], ManagerId: "u2", SellerVatId: "VAT-DE-2"),
            new("us", "NYC", "New York", ["SKU-1"], ManagerId: "u3", SellerVatId: "VAT-DE-2"),
        ],
        Sellers: [new("shop-1", "A-100", "VAT-NL-1"), new("shop-2", "A-200", "VAT-DE-2")],
        Reviews:
        [
            new("r1", "p1", "u1", "Sturdy", 5, [new("photo", "https://img.test/r1.jpg"), new("movie", "m1")], "shop-1", MediaId: "m1"),
            new("r2", "p1", "u2", "Wobbly", 2, [], "shop-2", MediaId: "m1"),
            new("r3", "p2", "u3", "Comfy", 4, [new("movie", "m2")], SellerHandle: null, MediaId: "b1"),
            new("r4", "p5", "u1", "Scratchy", 3, [new("photo", "https://img.test/r4.jpg")], "shop-2", MediaId: null),
            new("r5", "p6", "u2", "Fine", 4, [], "shop-1", MediaId: "b2"),
        ]);

    public AccountRecord? Account(string id) => Accounts.FirstOrDefault(a => a.Id == id);

    public ProductRecord? ProductByUpc(string upc) => Products.FirstOrDefault(p => p.Upc == upc);

    public ProductRecord? ProductBySku(string sku) => Products.FirstOrDefault(p => p.Sku == sku);

    public MediaRecord? MediaById(string id) => Media.FirstOrDefault(m => m.Id == id);

    public WarehouseRecord? Warehouse(string region, string code) => Warehouses.FirstOrDefault(w => w.Region == region && w.Code == code);
}

public sealed record Org(string Id, string Name);

/// <summary>A user, or an administrator when <see cref="AdminLevel"/> is set.</summary>
public sealed record AccountRecord(string Id, string Name, string Username, string OrgId, int? AdminLevel);

public sealed record ProductRecord(string Upc, string Sku, string Name, int Price, int WeightGrams, int Stock);

public sealed record MediaRecord(string Id, string Title, bool IsBook, int Length);

public sealed record WarehouseRecord(string Region, string Code, string City, IReadOnlyList<string> Skus, string ManagerId, string SellerVatId);

public sealed record SellerRecord(string Handle, string AccountNo, string VatId);

public sealed record Attachment(string Kind, string Value);

public sealed record ReviewRecord(string Id, string Upc, string AuthorId, string Body, int Rating, IReadOnlyList<Attachment> Attachments,
    string? SellerHandle, string? MediaId);
