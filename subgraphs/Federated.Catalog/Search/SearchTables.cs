using System.Globalization;
using Federated.Catalog.Data;
using Federated.Kit.Hosting;
using Npgsql;

namespace Federated.Catalog.Search;

/// <summary>
/// The tables search and product lists read: <see cref="Products"/> is a relational copy of
/// each product's searchable and sortable fields with a weighted full-text document, kept in
/// the same transaction as every product write (<see cref="SearchIndex"/>); <see cref="Terms"/>
/// is the vocabulary misspelled words are corrected against, with a trigram index;
/// <see cref="FacetCounts"/> counts the rows of <see cref="Products"/> by leaf category, brand,
/// price band and stock flag, kept by triggers in the same transaction as the rows, so a search
/// whose words every product of a category matches counts that category without reading it.
/// Indexes are separate (<see cref="CreateIndexesSql"/>) so a bulk load can build them after
/// the rows are in, which is several times faster than maintaining them row by row.
/// </summary>
public sealed class SearchTables(NpgsqlDataSource dataSource) : IStartupTask
{
    public const string Products = CatalogExtensions.ServiceName + ".product_search";
    public const string Terms = CatalogExtensions.ServiceName + ".search_terms";
    public const string FacetCounts = CatalogExtensions.ServiceName + ".search_facet_counts";

    /// <summary>Leaf categories with their path's ids and the weighted words of their path, as every product filed there has them.</summary>
    public const string Categories = CatalogExtensions.ServiceName + ".search_categories";

    /// <summary>Fills <see cref="Categories"/> from the category documents (which do not change while the service runs).</summary>
    public const string RefreshCategoriesSql = $"""
        delete from {Categories};
        with recursive {SearchIndex.CategoryPaths}
        insert into {Categories} (id, ids, document)
        select paths.id, paths.ids, {SearchIndex.PathDocument} from paths
        where not exists (select 1 from {CatalogStore.CategoriesTable} c where c.data ->> 'ParentId' = paths.id);
        """;

    /// <summary>The price band (an index into <see cref="ProductListQuery.PriceBands"/>) of a price: <c>{PriceBand}(price)</c>.</summary>
    public const string PriceBand = CatalogExtensions.ServiceName + ".search_price_band";

    /// <summary>
    /// Bumped when what the search rows hold changes: stored catalogs are indexed again at
    /// start-up. 5: in-stock flags left wrong by the race <see cref="RefreshInStock"/> closed are
    /// read again from the stock.
    /// </summary>
    public const int Version = 5;

    /// <summary>The text search configuration of documents and queries: English stemming.</summary>
    public const string Language = "english";

    /// <summary>
    /// The function that sets search's <c>in_stock</c> (any variant with a unit available) of
    /// the products it is given (a text[] of ids), called in the transaction that changed their
    /// stock. It locks their rows first and reads the stock in a statement after that: of two
    /// transactions changing one product's stock at once (a reserve of one variant's last unit,
    /// a release of another's), the second to take the lock reads what the first committed.
    /// Read from their own snapshots, each once decided from the other's stock as it was before,
    /// and the product stayed out of search with a unit available. Only a change that takes a
    /// stock row to none available or back from none can change the flag, so reservations call
    /// it only then and most take no lock here; it writes only rows whose flag flips.
    /// </summary>
    public const string RefreshInStock = CatalogExtensions.ServiceName + ".refresh_in_stock";

    private const string RefreshInStockSql = $"""
        create or replace function {RefreshInStock}(changed text[]) returns void language plpgsql as $$
        begin
            perform 1 from {Products} s where s.id = any(changed) order by s.id for no key update;
            update {Products} s set in_stock = f.in_stock
            from (select p.id, exists (select 1 from {Inventory.InventoryTable.Name} i where i.product_id = p.id and i.on_hand > i.reserved) as in_stock
                  from (select distinct unnest(changed)) as p(id)) f
            where s.id = f.id and s.in_stock <> f.in_stock;
        end $$;
        """;

    public static readonly string CreateIndexesSql = string.Concat(
        PostgresStore.CreateIndexIfMissingSql("product_search_document", Products, "using gin (document)"),
        PostgresStore.CreateIndexIfMissingSql("product_search_name_document", Products, "using gin (name_document)"),
        PostgresStore.CreateIndexIfMissingSql("product_search_category", Products, "(category_id, id)"),
        PostgresStore.CreateIndexIfMissingSql("product_search_category_price", Products, "(category_id, price)"),
        PostgresStore.CreateIndexIfMissingSql("product_search_categories", Products, "using gin (category_ids)"),
        PostgresStore.CreateIndexIfMissingSql("product_search_price", Products, "(price, id)"),
        PostgresStore.CreateIndexIfMissingSql("product_search_newest", Products, "(created_at desc, id)"),
        PostgresStore.CreateIndexIfMissingSql("product_search_name", Products, "(name, id)"),
        PostgresStore.CreateIndexIfMissingSql("search_terms_trigrams", Terms, "using gin (term gin_trgm_ops)"));

    public const string DropIndexesSql = """
        drop index if exists catalog.product_search_document;
        drop index if exists catalog.product_search_name_document;
        drop index if exists catalog.product_search_category;
        drop index if exists catalog.product_search_category_price;
        drop index if exists catalog.product_search_categories;
        drop index if exists catalog.product_search_price;
        drop index if exists catalog.product_search_newest;
        drop index if exists catalog.product_search_name;
        drop index if exists catalog.search_terms_trigrams;
        """;

    /// <summary>
    /// <see cref="FacetCounts"/> and the statement triggers that keep it: each statement on
    /// <see cref="Products"/> adds its inserted rows and takes away its deleted ones (an update
    /// is both), grouped, in key order (so two writers lock shared counts in the same order),
    /// skipping keys whose count does not change (renames, most stock changes).
    /// </summary>
    private static string FacetCountsSql
    {
        get
        {
            var bounds = string.Join(", ", ProductListQuery.PriceBands.Skip(1).Select(b => b.From.ToString(CultureInfo.InvariantCulture)));
            return $"""
                create or replace function {PriceBand}(price numeric) returns smallint
                    language sql immutable parallel safe return width_bucket(price, array[{bounds}]::numeric[]);
                create table if not exists {FacetCounts} (
                    category_id text not null,
                    brand text not null,
                    band smallint not null,
                    in_stock boolean not null,
                    products integer not null,
                    primary key (category_id, brand, band, in_stock)
                );
                {CountsTrigger("insert", "select category_id, brand, price, in_stock, 1 from new_rows", "new table as new_rows")}
                {CountsTrigger("delete", "select category_id, brand, price, in_stock, -1 from old_rows", "old table as old_rows")}
                {CountsTrigger("update", "select category_id, brand, price, in_stock, 1 from new_rows union all select category_id, brand, price, in_stock, -1 from old_rows",
                    "new table as new_rows old table as old_rows")}
                create or replace function {FacetCounts}_truncate() returns trigger language plpgsql as $$
                begin
                    delete from {FacetCounts};
                    return null;
                end $$;
                {PostgresStore.CreateTriggerIfMissingSql("product_search_counts_truncate", Products,
                    $"create or replace trigger product_search_counts_truncate after truncate on {Products} for each statement execute function {FacetCounts}_truncate()")}
                """;
        }
    }

    private static string CountsTrigger(string operation, string changes, string transitionTables) => $"""
        create or replace function {FacetCounts}_{operation}() returns trigger language plpgsql as $$
        begin
            insert into {FacetCounts} as c (category_id, brand, band, in_stock, products)
            select category_id, brand, {PriceBand}(price), in_stock, sum(delta)
            from ({changes}) as changed (category_id, brand, price, in_stock, delta)
            group by 1, 2, 3, 4 having sum(delta) <> 0
            order by 1, 2, 3, 4
            on conflict (category_id, brand, band, in_stock) do update set products = c.products + excluded.products;
            return null;
        end $$;
        {PostgresStore.CreateTriggerIfMissingSql($"product_search_counts_{operation}", Products,
            $"create or replace trigger product_search_counts_{operation} after {operation} on {Products} referencing {transitionTables} for each statement execute function {FacetCounts}_{operation}()")}
        """;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Instances starting at once take turns: two replacing one function at once can fail.
        await using var command = dataSource.CreateCommand($"""
            select pg_advisory_xact_lock(hashtext('{Products}'));
            set local client_min_messages = warning;
            create extension if not exists pg_trgm;
            create extension if not exists unaccent;
            create extension if not exists fuzzystrmatch;
            create schema if not exists {CatalogExtensions.ServiceName};
            create table if not exists {Products} (
                id text primary key,
                name text not null,
                brand text not null,
                category_id text not null,
                category_ids text[] not null,
                price numeric(12, 2) not null,
                created_at timestamptz not null,
                in_stock boolean not null default false,
                document tsvector not null,
                name_document tsvector not null default ''
            );
            {PostgresStore.AddColumnIfMissingSql(Products, "in_stock", "boolean not null default false")}
            {PostgresStore.AddColumnIfMissingSql(Products, "name_document", "tsvector not null default ''")}
            create table if not exists {Terms} (
                term text collate "C" primary key,
                documents integer not null default 1
            );
            create table if not exists {Categories} (id text primary key, ids text[] not null, document tsvector not null);
            {CreateIndexesSql}
            {FacetCountsSql}
            {RefreshCategoriesSql}
            {RefreshInStockSql}
            """);
        // The search indexes, when missing (a rebuild interrupted after it dropped them), take
        // minutes to build on a large catalog: under the 30 s default every start failed, for good.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
