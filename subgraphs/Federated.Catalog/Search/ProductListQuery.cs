using System.Globalization;
using Federated.Catalog.Data;
using Federated.Catalog.Inventory;
using Federated.Kit.Errors;
using Federated.Kit.Paging;
using Marten;
using Npgsql;

namespace Federated.Catalog.Search;

/// <summary>The filter of <c>products</c> and <c>search</c>; every part is optional.</summary>
public sealed class ProductFilter
{
    public string? CategoryId { get; set; }
    public List<string>? Brands { get; set; }
    public decimal? PriceMin { get; set; }
    public decimal? PriceMax { get; set; }
    public bool? InStockOnly { get; set; }

    public const int MaxBrands = 50;

    public void Validate()
    {
        if (PriceMin < 0 || PriceMax < 0)
            throw GraphQLFailure.BadUserInput("'priceMin' and 'priceMax' must not be negative.");
        if (PriceMin > PriceMax)
            throw GraphQLFailure.BadUserInput("'priceMin' must not exceed 'priceMax'.");
        if (Brands?.Count > MaxBrands)
            throw GraphQLFailure.BadUserInput($"At most {MaxBrands} brands can be filtered on at once.");
    }
}

public enum ProductSort { Relevance, PriceAsc, PriceDesc, Newest, Name }

/// <summary>One page of products plus, when asked for, the total and facet counts.</summary>
public sealed record ProductListResult(IReadOnlyList<(Product Product, string Cursor)> Rows, int? TotalCount, IReadOnlyList<Facet> Facets);

public sealed record Facet(string Name, IReadOnlyList<FacetValue> Values);

public sealed record FacetValue(string Value, int Count);

/// <summary>
/// Lists products from <see cref="SearchTables.Products"/>: matching a full-text query or not,
/// filtered, sorted and paged by keyset. One round trip carries the page (with each product's
/// document), and another statement in the same batch the total and the facets. Facets are
/// disjunctive, as shoppers expect: the brand counts ignore the brand filter and the price
/// bands ignore the price filter, so choosing one brand still shows how many the others have.
/// </summary>
public sealed class ProductListQuery
{
    public const int FacetSize = 20;

    /// <summary>Price bands in the store currency: [from, to).</summary>
    public static readonly (string Label, decimal From, decimal? To)[] PriceBands =
    [
        ("0-25", 0m, 25m), ("25-50", 25m, 50m), ("50-100", 50m, 100m), ("100-250", 100m, 250m), ("250-500", 250m, 500m), ("500+", 500m, null),
    ];

    private sealed record SortKey(string Name, string Expression, string SqlType, bool Descending);

    private static readonly SortKey ById = new("id", "s.id", "text", false);

    private static SortKey KeyOf(ProductSort sort) => sort switch
    {
        ProductSort.Relevance => new("relevance", "ts_rank(s.document, q.query)", "real", true),
        ProductSort.PriceAsc => new("price-asc", "s.price", "numeric", false),
        ProductSort.PriceDesc => new("price-desc", "s.price", "numeric", true),
        ProductSort.Newest => new("newest", "s.created_at", "timestamptz", true),
        ProductSort.Name => new("name", "s.name", "text", false),
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };

    public required ProductFilter Filter { get; init; }

    /// <summary>A tsquery (see <see cref="SearchText"/>), or null to list without one.</summary>
    public string? TsQuery { get; init; }

    /// <summary>Null means the stable default order: by relevance with a query, else by id.</summary>
    public ProductSort? Sort { get; init; }

    public required PagingArguments Paging { get; init; }
    public bool WithTotal { get; init; }
    public bool WithFacets { get; init; }

    public async Task<ProductListResult> RunAsync(NpgsqlDataSource dataSource, ISerializer serializer, CancellationToken cancellationToken)
    {
        var key = (Sort ?? (TsQuery is null ? null : ProductSort.Relevance)) switch
        {
            null => ById,
            ProductSort.Relevance when TsQuery is null => ById,
            { } sort => KeyOf(sort),
        };
        var after = DecodeAfter(key);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(PageCommand(key, after));
        if (WithTotal || WithFacets)
            batch.BatchCommands.Add(CountsCommand());

        var rows = new List<(Product, string)>(Paging.Limit);
        int? total = null;
        var facets = new Dictionary<string, List<FacetValue>> { ["brand"] = [], ["category"] = [], ["price"] = [] };
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var product = serializer.FromJson<Product>(reader, 2);
                var cursor = key == ById
                    ? Cursor.Encode(new[] { reader.GetString(0) })
                    : Cursor.Encode(new[] { key.Name, reader.GetString(1), reader.GetString(0) });
                rows.Add((product, cursor));
            }
            if (await reader.NextResultAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    var facet = reader.GetString(0);
                    var count = checked((int)reader.GetInt64(2));
                    if (facet == "total")
                        total = count;
                    else
                        facets[facet].Add(new FacetValue(reader.GetString(1), count));
                }
            }
        }
        IReadOnlyList<Facet> facetList = WithFacets
            ? [.. facets.Select(f => new Facet(f.Key, f.Value))]
            : [];
        return new ProductListResult(rows, WithTotal ? total ?? 0 : null, facetList);
    }

    private (string Value, string Id)? DecodeAfter(SortKey key)
    {
        if (Paging.After is null)
            return null;
        var parts = Paging.AfterKey<string[]>()!;
        if (key == ById && parts.Length == 1)
            return (parts[0], parts[0]);
        if (key != ById && parts.Length == 3 && parts[0] == key.Name)
            return (parts[1], parts[2]);
        throw new GraphQLFailure(ErrorCodes.InvalidCursor, "The cursor belongs to a list in another order; start again without 'after'.");
    }

    private NpgsqlBatchCommand PageCommand(SortKey key, (string Value, string Id)? after)
    {
        var sql = new SqlBuilder();
        var where = Conditions(sql, brands: true, prices: true);
        if (after is { } a)
        {
            var value = sql.Add(a.Value);
            var id = sql.Add(a.Id);
            var beyond = key.Descending ? "<" : ">";
            where.Add(key == ById
                ? $"s.id > {id}"
                : $"({key.Expression} {beyond} {value}::{key.SqlType} or ({key.Expression} = {value}::{key.SqlType} and s.id > {id}))");
        }
        var limit = sql.Add(Paging.Limit);
        sql.Text = $"""
            select s.id, ({key.Expression})::text, d.data
            from {SearchTables.Products} s {QueryJoin(sql)}
            join catalog.mt_doc_product d on d.id = s.id
            {Where(where)}
            order by {key.Expression} {(key.Descending ? "desc" : "asc")}, s.id
            limit {limit}
            """;
        return sql.ToBatchCommand();
    }

    /// <summary>The total and the facets from one scan of the matches.</summary>
    private NpgsqlBatchCommand CountsCommand()
    {
        var sql = new SqlBuilder();
        var matching = Where(Conditions(sql, brands: false, prices: false));
        var brandOk = Filter.Brands is { } brands ? $"brand = any({sql.Add(brands.ToArray())})" : "true";
        var priceOk = string.Join(" and ", PriceConditions(sql, "price").DefaultIfEmpty("true"));
        var band = "case " + string.Concat(PriceBands.Select(b =>
            b.To is { } to ? $"when price < {to.ToString(CultureInfo.InvariantCulture)} then '{b.Label}' " : $"else '{b.Label}' ")) + "end";
        var parts = new List<string> { $"select 'total', '', count(*) from matches where {brandOk} and {priceOk}" };
        if (WithFacets)
        {
            parts.Add($"(select 'brand', brand, count(*) from matches where {priceOk} group by brand order by 3 desc, 2 limit {FacetSize})");
            parts.Add($"(select 'category', category_id, count(*) from matches where {brandOk} and {priceOk} group by category_id order by 3 desc, 2 limit {FacetSize})");
            parts.Add($"(select 'price', band, count(*) from (select {band} as band, price from matches where {brandOk}) b group by band order by min(price))");
        }
        sql.Text = $"""
            with matches as materialized (
                select s.brand, s.category_id, s.price from {SearchTables.Products} s {QueryJoin(sql)} {matching}
            )
            {string.Join("\nunion all\n", parts)}
            """;
        return sql.ToBatchCommand();
    }

    private string QueryJoin(SqlBuilder sql) =>
        TsQuery is null ? "" : $"cross join to_tsquery('{SearchTables.Language}', {sql.Add(TsQuery)}) as q(query)";

    private List<string> Conditions(SqlBuilder sql, bool brands, bool prices)
    {
        var where = new List<string>();
        if (TsQuery is not null)
            where.Add("s.document @@ q.query");
        if (Filter.CategoryId is { } category)
            where.Add($"s.category_ids @> array[{sql.Add(category)}]");
        if (Filter.InStockOnly == true)
            where.Add($"exists (select 1 from {InventoryTable.Name} i where i.product_id = s.id and i.on_hand > i.reserved)");
        if (brands && Filter.Brands is { } names)
            where.Add($"s.brand = any({sql.Add(names.ToArray())})");
        if (prices)
            where.AddRange(PriceConditions(sql, "s.price"));
        return where;
    }

    private IEnumerable<string> PriceConditions(SqlBuilder sql, string column)
    {
        if (Filter.PriceMin is { } min)
            yield return $"{column} >= {sql.Add(min)}";
        if (Filter.PriceMax is { } max)
            yield return $"{column} <= {sql.Add(max)}";
    }

    private static string Where(List<string> conditions) =>
        conditions.Count == 0 ? "" : "where " + string.Join(" and ", conditions);

    /// <summary>SQL text with positional parameters.</summary>
    private sealed class SqlBuilder
    {
        private readonly List<NpgsqlParameter> _parameters = [];

        public string Text { get; set; } = "";

        public string Add(object value)
        {
            _parameters.Add(new NpgsqlParameter { Value = value });
            return $"${_parameters.Count}";
        }

        public NpgsqlBatchCommand ToBatchCommand()
        {
            var command = new NpgsqlBatchCommand(Text);
            foreach (var parameter in _parameters)
                command.Parameters.Add(parameter);
            return command;
        }
    }
}
