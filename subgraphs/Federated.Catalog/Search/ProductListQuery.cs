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
/// filtered, sorted and paged by keyset, in one round trip: the page (with each product's
/// document) and, when asked for, the total and facets. Facets are disjunctive, as shoppers
/// expect: the brand counts ignore the brand filter and the price bands ignore the price filter,
/// so choosing one brand still shows how many the others have.
/// <para>
/// A search first asks which leaf categories its words cover (<see cref="CategoryCoverage"/>):
/// there every product matches, so counts come from <see cref="SearchTables.FacetCounts"/> and
/// the page reads only the products whose name or brand holds a word of the query, plus, per
/// covered category, the first few of the others (which all rank alike). Matches elsewhere are
/// read and grouped once by brand, category, price band and price filter; the total and the
/// three facets are summed from those groups here. Every count stays exact.
/// </para>
/// </summary>
public sealed class ProductListQuery
{
    public const int FacetSize = 20;

    /// <summary>Price bands in the store currency: [from, to). <see cref="SearchTables.PriceBand"/> numbers them from 0.</summary>
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

    /// <summary>What to match (see <see cref="SearchText"/>), or null to list without a query.</summary>
    public SearchTsQuery? Query { get; init; }

    /// <summary>Null means the stable default order: by relevance with a query, else by id.</summary>
    public ProductSort? Sort { get; init; }

    public required PagingArguments Paging { get; init; }
    public bool WithTotal { get; init; }
    public bool WithFacets { get; init; }

    public async Task<ProductListResult> RunAsync(NpgsqlDataSource dataSource, ISerializer serializer, CancellationToken cancellationToken)
    {
        var key = (Sort ?? (Query is null ? null : ProductSort.Relevance)) switch
        {
            null => ById,
            ProductSort.Relevance when Query is null => ById,
            { } sort => KeyOf(sort),
        };
        var after = DecodeAfter(key);

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        if (Query is null)
        {
            batch.BatchCommands.Add(PageCommand(key, after, null));
            if (WithTotal)
                batch.BatchCommands.Add(BrowseCountCommand());
        }
        else
        {
            var coverage = await CategoryCoverage.FindAsync(connection, Query, Filter.CategoryId, cancellationToken);
            var withGroups = (WithTotal || WithFacets) && !coverage.Whole;
            // Without covered categories the page and the groups read the same matches: once.
            var groupsWithPage = withGroups && key.Column == "rank" && coverage.Covered.Count == 0;
            batch.BatchCommands.Add(key.Column == "rank" ? RelevancePageCommand(after, coverage, groupsWithPage) : PageCommand(key, after, coverage));
            if (withGroups && !groupsWithPage)
                batch.BatchCommands.Add(MatchGroupsCommand(coverage));
            if ((WithTotal || WithFacets) && coverage.Covered.Count > 0)
                batch.BatchCommands.Add(CoveredGroupsCommand(coverage));
        }

        var rows = new List<(int Position, Product Product, string Cursor)>(Paging.Limit);
        long? browseTotal = null;
        var groups = new List<MatchGroup>();
        await using (var reader = await ExecuteAsync(batch, after is not null, cancellationToken))
        {
            do
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    // Pages answer (kind, id, position, sort value, document), groups (kind, brand, count, category, -, band, inside the price filter).
                    switch (reader.GetString(0))
                    {
                        case "page":
                            var id = reader.GetString(1);
                            var cursor = key == ById ? Cursor.Encode(new[] { id }) : Cursor.Encode(new[] { key.Name, reader.GetString(3), id });
                            rows.Add((checked((int)reader.GetInt64(2)), serializer.FromJson<Product>(reader, 4), cursor));
                            break;
                        case "total":
                            browseTotal = reader.GetInt64(2);
                            break;
                        default:
                            groups.Add(new MatchGroup(reader.GetString(1), reader.GetString(3), reader.GetInt16(5), reader.GetBoolean(6),
                                InPriceFacet: reader.GetString(0) != "priced", reader.GetInt64(2)));
                            break;
                    }
                }
            }
            while (await reader.NextResultAsync(cancellationToken));
        }
        var page = rows.OrderBy(r => r.Position).Select(r => (r.Product, r.Cursor)).ToList();
        if (Query is null)
            return new ProductListResult(page, WithTotal ? checked((int)(browseTotal ?? 0)) : null, []);
        return new ProductListResult(page, WithTotal ? checked((int)Total(groups)) : null, WithFacets ? Facets(groups) : []);
    }

    /// <summary>
    /// Matches of one brand, leaf category and price band, inside the price filter or not; a
    /// group may count toward the price bands only (stored counts beside a price filter) or
    /// toward everything but them (the same products inside the price range).
    /// </summary>
    private sealed record MatchGroup(string Brand, string CategoryId, short Band, bool PriceOk, bool InPriceFacet, long Count);

    private bool BrandOk(MatchGroup g) => Filter.Brands is not { } brands || brands.Contains(g.Brand, StringComparer.Ordinal);

    private long Total(List<MatchGroup> groups) => groups.Where(g => g.PriceOk && BrandOk(g)).Sum(g => g.Count);

    private List<Facet> Facets(List<MatchGroup> groups)
    {
        static List<FacetValue> Top(IEnumerable<MatchGroup> groups, Func<MatchGroup, string> value) =>
        [
            .. groups.GroupBy(value).Select(g => new FacetValue(g.Key, checked((int)g.Sum(x => x.Count)))).Where(v => v.Count > 0)
                .OrderByDescending(v => v.Count).ThenBy(v => v.Value, StringComparer.Ordinal).Take(FacetSize),
        ];

        var bands = groups.Where(g => g.InPriceFacet && BrandOk(g)).GroupBy(g => g.Band).OrderBy(g => g.Key)
            .Select(g => new FacetValue(PriceBands[g.Key].Label, checked((int)g.Sum(x => x.Count)))).Where(v => v.Count > 0);
        return
        [
            new Facet("brand", Top(groups.Where(g => g.PriceOk), g => g.Brand)),
            new Facet("category", Top(groups.Where(g => g.PriceOk && BrandOk(g)), g => g.CategoryId)),
            new Facet("price", [.. bands]),
        ];
    }

    private (string Value, string Id)? DecodeAfter(SortKey key)
    {
        if (Paging.After is null)
            return null;
        var parts = Paging.AfterKey<string[]>()!;
        if (key == ById && parts is [{ } id])
            return (id, id);
        if (key != ById && parts is [var name, { } value, { } after] && name == key.Name)
            return (value, after);
        throw new GraphQLFailure(ErrorCodes.InvalidCursor, "The cursor belongs to a list in another order; start again without 'after'.");
    }

    /// <summary>
    /// Runs the page's batch. The cursor's sort value is cast to its column's type in SQL
    /// (numeric, real, timestamptz), so one that does not cast is refused by PostgreSQL with a
    /// data exception: a cursor not made by this list, answered as such.
    /// </summary>
    private static async Task<NpgsqlDataReader> ExecuteAsync(NpgsqlBatch batch, bool hasCursor, CancellationToken cancellationToken)
    {
        try
        {
            return await batch.ExecuteReaderAsync(cancellationToken);
        }
        catch (PostgresException ex) when (hasCursor && ex.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            throw new GraphQLFailure(ErrorCodes.InvalidCursor, "The cursor is not valid for this list; start again without 'after'.");
        }
    }

    /// <summary>The page straight from an index in the sort's order (or the matches sorted), without relevance.</summary>
    private NpgsqlBatchCommand PageCommand(SortKey key, (string Value, string Id)? after, CategoryCoverage? coverage)
    {
        var sql = new SqlBuilder();
        var match = coverage is null ? null : DocumentMatch(sql, coverage);
        var where = Conditions(sql, match, brands: true, prices: true);
        if (after is { } a)
            where.Add(key.After("s", sql.Add(a.Value), sql.Add(a.Id)));
        var limit = sql.Add(Paging.Limit);
        sql.Text = $"""
            select 'page', s.id, row_number() over (order by s.{key.Column} {key.Direction}, s.id), (s.{key.Column})::text, d.data
            from (select * from {SearchTables.Products} s {Where(where)} order by s.{key.Column} {key.Direction}, s.id limit {limit}) s
            join {CatalogStore.ProductsTable} d on d.id = s.id
            """;
        return sql.ToBatchCommand();
    }

    private NpgsqlBatchCommand BrowseCountCommand()
    {
        var sql = new SqlBuilder();
        sql.Text = $"select 'total', '', count(*), null, null from {SearchTables.Products} s {Where(Conditions(sql, null, brands: true, prices: true))}";
        return sql.ToBatchCommand();
    }

    /// <summary>
    /// The best matches: ts_rank over the matches whose name or brand holds a word of the query
    /// (outside covered categories that is all of them) and, from each covered category, the
    /// first products by id among the others, which all rank at the category's own rank. With
    /// <paramref name="withGroups"/> (no covered category) the groups come from the same read of
    /// the matches; beside covered categories they are a second statement, as reading the named
    /// products into a shared tuplestore measured slower than reading them twice.
    /// </summary>
    private NpgsqlBatchCommand RelevancePageCommand((string Value, string Id)? after, CategoryCoverage coverage, bool withGroups)
    {
        var sql = new SqlBuilder();
        var every = Match(sql, Query!.Every);
        var any = Match(sql, Query.Any);
        var matching = Conditions(sql, DocumentMatch(sql, coverage, every), brands: false, prices: false);
        if (coverage.Covered.Count > 0)
        {
            // Outside covered categories a product matches only if its name or brand holds a
            // word, so both forms read the same rows; the second one cannot use the name index.
            matching.Add(coverage.FewNamed
                ? $"s.name_document @@ {any}"
                : $"(s.name_document @@ {any} or s.category_id <> all({sql.Add(coverage.Ids)}::text[]))");
        }
        var brandOk = Filter.Brands is { } brands ? $"m.brand = any({sql.Add(brands.ToArray())})" : "true";
        var priceOk = string.Join(" and ", PriceConditions(sql, "m.price").DefaultIfEmpty("true"));
        var limit = sql.Add(Paging.Limit);
        string namedAfter = "true", leafAfter = "true", leafWhere = "true";
        if (after is { } a)
        {
            var rank = sql.Add(a.Value);
            var id = sql.Add(a.Id);
            namedAfter = $"(m.rank < {rank}::real or (m.rank = {rank}::real and m.id collate \"C\" > {id}))";
            leafWhere = $"c.rank <= {rank}::real";
            leafAfter = $"(c.rank < {rank}::real or s.id > {id})";
        }
        var candidates = new List<string> { "select n.id, n.rank from named n" };
        if (coverage.Covered.Count > 0)
        {
            var leafConditions = Conditions(sql, null, brands: true, prices: true, categories: false);
            leafConditions.Add("s.category_id = c.category_id");
            leafConditions.Add($"not s.name_document @@ {any}");
            leafConditions.Add(leafAfter);
            // A category's others (all at its rank) are read only if they can make the page:
            // when the named matches leave room or rank no higher.
            candidates.Add($"""
                select l.id, l.rank
                from unnest({sql.Add(coverage.Ids)}::text[], {sql.Add(coverage.Covered.Select(c => c.Rank).ToArray())}::real[]) as c(category_id, rank)
                cross join lateral (
                    select s.id, c.rank from {SearchTables.Products} s
                    {Where(leafConditions)} and (select b.rank is null or c.rank >= b.rank from bar b)
                    order by s.id limit {limit}
                ) l
                where {leafWhere}
                """);
        }
        var groups = withGroups
            ? $"""
                union all
                select 'group', m.brand, count(*), m.category_id, null, {SearchTables.PriceBand}(m.price), {priceOk}
                from matches m group by 2, 4, 6, 7
                """
            : "";
        // Ties go by id in byte order ("C"), which skips the locale's comparison in the sort of
        // every named match; product ids are ASCII, so a covered category's index (in the
        // database's collation) gives its products in the same order.
        sql.Text = $"""
            with matches as {(withGroups ? "materialized" : "not materialized")} (
                select s.id, s.brand, s.category_id, s.price, ts_rank(s.document, {every}) as rank
                from {SearchTables.Products} s {Where(matching)}
            ),
            named as (
                select m.id, m.rank from matches m where {brandOk} and {priceOk} and {namedAfter} order by m.rank desc, m.id collate "C" limit {limit}
            ),
            bar as (select case when count(*) < {limit} then null else min(n.rank) end as rank from named n)
            select 'page', p.id, p.position, p.rank::text, d.data, null::smallint, null::boolean
            from (
                select x.id, x.rank, row_number() over (order by x.rank desc, x.id collate "C") as position
                from ({string.Join("\nunion all\n", candidates)}) x
                order by x.rank desc, x.id collate "C" limit {limit}
            ) p join {CatalogStore.ProductsTable} d on d.id = p.id
            {groups}
            """;
        return sql.ToBatchCommand();
    }

    /// <summary>The matches outside covered categories, read and grouped (see <see cref="MatchGroup"/>).</summary>
    private NpgsqlBatchCommand MatchGroupsCommand(CategoryCoverage coverage)
    {
        var sql = new SqlBuilder();
        var where = Conditions(sql, DocumentMatch(sql, coverage), brands: false, prices: false);
        if (coverage.Covered.Count > 0)
        {
            // Outside covered categories a product matches only if its name or brand holds a word.
            if (coverage.FewNamed)
                where.Add($"s.name_document @@ {Match(sql, Query!.Any)}");
            where.Add($"s.category_id <> all({sql.Add(coverage.Ids)}::text[])");
        }
        sql.Text = GroupsSql(sql, where);
        return sql.ToBatchCommand();
    }

    /// <summary>The products of covered categories, from the stored counts; with a price filter, those inside it are counted from the rows.</summary>
    private NpgsqlBatchCommand CoveredGroupsCommand(CategoryCoverage coverage)
    {
        var sql = new SqlBuilder();
        var ids = sql.Add(coverage.Ids);
        if (Filter.PriceMin is null && Filter.PriceMax is null)
        {
            var inStock = Filter.InStockOnly == true ? "and f.in_stock" : "";
            sql.Text = $"""
                select 'group', f.brand, sum(f.products)::bigint, f.category_id, null, f.band, true
                from {SearchTables.FacetCounts} f where f.category_id = any({ids}::text[]) {inStock}
                group by f.brand, f.category_id, f.band having sum(f.products) > 0
                """;
        }
        else
        {
            // The bands from the stored counts (they ignore the price filter); the rest from the
            // products inside the price range, found by the (category, price) index.
            var inStock = Filter.InStockOnly == true ? "and f.in_stock" : "";
            var where = Conditions(sql, null, brands: false, prices: true, categories: false);
            where.Add($"s.category_id = any({ids}::text[])");
            sql.Text = $"""
                select 'bands', f.brand, sum(f.products)::bigint, f.category_id, null, f.band, false
                from {SearchTables.FacetCounts} f where f.category_id = any({ids}::text[]) {inStock}
                group by f.brand, f.category_id, f.band having sum(f.products) > 0
                union all
                select 'priced', s.brand, count(*), s.category_id, null, 0::smallint, true
                from {SearchTables.Products} s {Where(where)}
                group by s.brand, s.category_id
                """;
        }
        return sql.ToBatchCommand();
    }

    private string GroupsSql(SqlBuilder sql, List<string> where)
    {
        var priceOk = string.Join(" and ", PriceConditions(sql, "s.price").DefaultIfEmpty("true"));
        return $"""
            select 'group', s.brand, count(*), s.category_id, null, {SearchTables.PriceBand}(s.price), {priceOk}
            from {SearchTables.Products} s {Where(where)}
            group by 2, 4, 6, 7
            """;
    }

    /// <summary>The full-text condition: every word through the index, or all but a broad last prefix, which is then checked on the rows (ts_match_vq is the @@ operator's function, which the planner does not take to the index).</summary>
    private string DocumentMatch(SqlBuilder sql, CategoryCoverage coverage, string? every = null)
    {
        every ??= Match(sql, Query!.Every);
        return coverage.PrefixUnindexed
            ? $"s.document @@ {Match(sql, Query!.EveryButLast)} and ts_match_vq(s.document, {every})"
            : $"s.document @@ {every}";
    }

    private static string Match(SqlBuilder sql, string tsQuery) => $"to_tsquery('{SearchTables.Language}', {sql.Add(tsQuery)})";

    /// <summary>Conditions on product_search rows (alias s).</summary>
    private List<string> Conditions(SqlBuilder sql, string? match, bool brands, bool prices, bool categories = true)
    {
        var where = new List<string>();
        if (match is not null)
            where.Add(match);
        if (categories && Filter.CategoryId is { } category)
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
