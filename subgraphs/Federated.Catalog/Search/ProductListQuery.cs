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

    /// <summary>A sort: its cursor name, its column (in product_search and in the matches), its SQL type, its direction.</summary>
    private sealed record SortKey(string Name, string Column, string SqlType, bool Descending)
    {
        public string Direction => Descending ? "desc" : "asc";

        /// <summary>Rows after the cursor's (value, id) in this order.</summary>
        public string After(string alias, string value, string id) => Column == "id"
            ? $"{alias}.id > {id}"
            : $"({alias}.{Column} {(Descending ? "<" : ">")} {value}::{SqlType} or ({alias}.{Column} = {value}::{SqlType} and {alias}.id > {id}))";
    }

    private static readonly SortKey ById = new("id", "id", "text", false);

    private static SortKey KeyOf(ProductSort sort) => sort switch
    {
        ProductSort.Relevance => new("relevance", "rank", "real", true),
        ProductSort.PriceAsc => new("price-asc", "price", "numeric", false),
        ProductSort.PriceDesc => new("price-desc", "price", "numeric", true),
        ProductSort.Newest => new("newest", "created_at", "timestamptz", true),
        ProductSort.Name => new("name", "name", "text", false),
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
        if (TsQuery is null)
        {
            batch.BatchCommands.Add(BrowsePageCommand(key, after));
            if (WithTotal)
                batch.BatchCommands.Add(BrowseCountCommand());
        }
        else
        {
            batch.BatchCommands.Add(SearchCommand(key, after));
        }

        var rows = new List<(int Position, Product Product, string Cursor)>(Paging.Limit);
        int? total = null;
        var facets = new Dictionary<string, List<FacetValue>> { ["brand"] = [], ["category"] = [], ["price"] = [] };
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    // Every statement answers (kind, value, number, sort value, document).
                    var kind = reader.GetString(0);
                    var number = checked((int)reader.GetInt64(2));
                    switch (kind)
                    {
                        case "page":
                            var id = reader.GetString(1);
                            var cursor = key == ById ? Cursor.Encode(new[] { id }) : Cursor.Encode(new[] { key.Name, reader.GetString(3), id });
                            rows.Add((number, serializer.FromJson<Product>(reader, 4), cursor));
                            break;
                        case "total":
                            total = number;
                            break;
                        default:
                            facets[kind].Add(new FacetValue(reader.GetString(1), number));
                            break;
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        IReadOnlyList<Facet> facetList = WithFacets
            ? [.. facets.Select(f => new Facet(f.Key, f.Value))]
            : [];
        return new ProductListResult([.. rows.OrderBy(r => r.Position).Select(r => (r.Product, r.Cursor))], WithTotal ? total ?? 0 : null, facetList);
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

    /// <summary>Browsing: the page straight from an index in the sort's order.</summary>
    private NpgsqlBatchCommand BrowsePageCommand(SortKey key, (string Value, string Id)? after)
    {
        var sql = new SqlBuilder();
        var where = Conditions(sql, brands: true, prices: true);
        if (after is { } a)
            where.Add(key.After("s", sql.Add(a.Value), sql.Add(a.Id)));
        var limit = sql.Add(Paging.Limit);
        sql.Text = $"""
            select 'page', s.id, row_number() over (order by s.{key.Column} {key.Direction}, s.id), (s.{key.Column})::text, d.data
            from (select * from {SearchTables.Products} s {Where(where)} order by s.{key.Column} {key.Direction}, s.id limit {limit}) s
            join catalog.mt_doc_product d on d.id = s.id
            """;
        return sql.ToBatchCommand();
    }

    private NpgsqlBatchCommand BrowseCountCommand()
    {
        var sql = new SqlBuilder();
        sql.Text = $"select 'total', '', count(*), null, null from {SearchTables.Products} s {Where(Conditions(sql, brands: true, prices: true))}";
        return sql.ToBatchCommand();
    }

    /// <summary>
    /// Searching: the matches are read once (a materialized CTE), and the page, the total and
    /// the facets all come from them, in one statement. Relevance is computed only when it sorts.
    /// </summary>
    private NpgsqlBatchCommand SearchCommand(SortKey key, (string Value, string Id)? after)
    {
        var sql = new SqlBuilder();
        var query = sql.Add(TsQuery!);
        var matching = Where(Conditions(sql, brands: false, prices: false));
        var brandOk = Filter.Brands is { } brands ? $"m.brand = any({sql.Add(brands.ToArray())})" : "true";
        var priceOk = string.Join(" and ", PriceConditions(sql, "m.price").DefaultIfEmpty("true"));
        var pageWhere = $"{brandOk} and {priceOk}";
        if (after is { } a)
            pageWhere += " and " + key.After("m", sql.Add(a.Value), sql.Add(a.Id));
        var limit = sql.Add(Paging.Limit);
        var rank = key.Column == "rank" ? "ts_rank(s.document, q.query)" : "0::real";
        var band = "case " + string.Concat(PriceBands.Select(b =>
            b.To is { } to ? $"when m.price < {to.ToString(CultureInfo.InvariantCulture)} then '{b.Label}' " : $"else '{b.Label}' ")) + "end";

        var parts = new List<string>
        {
            $"""
            select 'page', p.id, p.position, p.sort_value, d.data
            from (
                select m.id, (m.{key.Column})::text as sort_value, row_number() over (order by m.{key.Column} {key.Direction}, m.id) as position
                from (select * from matches m where {pageWhere} order by m.{key.Column} {key.Direction}, m.id limit {limit}) m
            ) p join catalog.mt_doc_product d on d.id = p.id
            """,
        };
        if (WithTotal || WithFacets)
            parts.Add($"select 'total', '', count(*), null, null from matches m where {brandOk} and {priceOk}");
        if (WithFacets)
        {
            parts.Add($"(select 'brand', m.brand, count(*), null, null from matches m where {priceOk} group by m.brand order by 3 desc, 2 limit {FacetSize})");
            parts.Add($"(select 'category', m.category_id, count(*), null, null from matches m where {brandOk} and {priceOk} group by m.category_id order by 3 desc, 2 limit {FacetSize})");
            parts.Add($"(select 'price', b.band, count(*), null, null from (select {band} as band, m.price from matches m where {brandOk}) b group by b.band order by min(b.price))");
        }
        sql.Text = $"""
            with matches as materialized (
                select s.id, s.brand, s.category_id, s.price, s.created_at, s.name, {rank} as rank
                from {SearchTables.Products} s cross join to_tsquery('{SearchTables.Language}', {query}) as q(query)
                {matching}
            )
            {string.Join("\nunion all\n", parts)}
            """;
        return sql.ToBatchCommand();
    }

    /// <summary>Conditions on product_search rows (alias s).</summary>
    private List<string> Conditions(SqlBuilder sql, bool brands, bool prices)
    {
        var where = new List<string>();
        if (TsQuery is not null)
            where.Add("s.document @@ q.query");
        if (Filter.CategoryId is { } category)
            where.Add($"s.category_ids @> array[{sql.Add(category)}]");
        if (Filter.InStockOnly == true)
            where.Add("s.in_stock");
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
