using Federated.Catalog.Data;
using Marten;
using Npgsql;

namespace Federated.Catalog.Search;

/// <summary>
/// Writes products' rows in <see cref="SearchTables.Products"/> and their words in
/// <see cref="SearchTables.Terms"/>, from the product documents themselves: one SQL statement
/// serves a single product write (queued on the Marten session, so it commits or rolls back
/// with the product) and a rebuild of the whole catalog after a bulk load.
/// </summary>
public static class SearchIndex
{
    /// <summary>
    /// Name and brand weigh most (A), then the category path's names (B); the name-and-brand
    /// part is also kept alone (<c>name_document</c>), to find the products a word matches by name. Descriptions are left
    /// out: shoppers search for what a product is, and matching marketing copy made broad words
    /// ("ergonomic") hit a large part of the catalog and made every row several times wider.
    /// Text is unaccented so "café" and "cafe" meet.
    /// </summary>
    /// <summary>
    /// A recursive CTE <c>paths (id, ids, names)</c>: each category with its path's ids and names
    /// from the root down. A product's category words are its path's names.
    /// </summary>
    public const string CategoryPaths = $"""
        paths as (
            select id, array[id::text] as ids, data ->> 'Name' as names
            from {CatalogStore.CategoriesTable} where data ->> 'ParentId' is null
            union all
            select c.id, p.ids || c.id::text, p.names || ' ' || (c.data ->> 'Name')
            from {CatalogStore.CategoriesTable} c join paths p on c.data ->> 'ParentId' = p.id
        )
        """;

    /// <summary>The weighted words of a category path (<c>paths.names</c>) as they enter a product's document.</summary>
    public const string PathDocument = $"setweight(to_tsvector('{SearchTables.Language}', unaccent(paths.names)), 'B')";

    private const string Upsert = $"""
        with recursive {CategoryPaths}
        insert into {SearchTables.Products} as s (id, name, brand, category_id, category_ids, price, created_at, in_stock, document, name_document)
        select d.id, d.data ->> 'Name', d.data ->> 'Brand', d.category_id, paths.ids, (d.data ->> 'Price')::numeric,
               (d.data ->> 'CreatedAt')::timestamptz,
               exists (select 1 from {Inventory.InventoryTable.Name} i where i.product_id = d.id and i.on_hand > i.reserved),
               named.document || {PathDocument}, named.document
        from {CatalogStore.ProductsTable} d join paths on paths.id = d.category_id
        cross join lateral (
            select setweight(to_tsvector('{SearchTables.Language}', unaccent((d.data ->> 'Name') || ' ' || (d.data ->> 'Brand'))), 'A') as document
        ) named
        """;

    private const string OnConflict = """
        on conflict (id) do update set name = excluded.name, brand = excluded.brand, category_id = excluded.category_id,
            category_ids = excluded.category_ids, price = excluded.price, created_at = excluded.created_at, in_stock = excluded.in_stock,
            document = excluded.document, name_document = excluded.name_document
        """;

    /// <summary>Words of names, brands and category names: what a misspelling is corrected to.</summary>
    private const string TermsOf = $"""
        insert into {SearchTables.Terms} (term, documents)
        select w, count(*) from (
            select distinct s.id, w
            from {SearchTables.Products} s
            cross join lateral regexp_split_to_table(lower(unaccent(s.name || ' ' || s.brand)), '[^[:alnum:]]+') w
            where length(w) between 2 and 40 /*and-product*/
        ) words group by w
        """;

    private const string CategoryTerms = $"""
        insert into {SearchTables.Terms} (term, documents)
        select distinct w, 1 from {CatalogStore.CategoriesTable} c
        cross join lateral regexp_split_to_table(lower(unaccent(c.data ->> 'Name')), '[^[:alnum:]]+') w
        where length(w) between 2 and 40
        on conflict (term) do nothing
        """;

    /// <summary>Queues the refresh of one product's search row and words on the session's next save.</summary>
    public static void Refresh(IDocumentSession session, string productId)
    {
        session.QueueSqlCommand($"{Upsert} where d.id = ? {OnConflict}", productId);
        // The upsert's flag is read before it waits for the row: a reservation of the last unit
        // that held it then has written a flag the upsert overwrites. Read again under the lock.
        session.QueueSqlCommand($"select {SearchTables.RefreshInStock}(array[?])", productId);
        session.QueueSqlCommand(TermsOf.Replace("/*and-product*/", "and s.id = ?") + " on conflict (term) do nothing", productId);
    }

    /// <summary>Fills both tables from every product document, replacing what was there.</summary>
    public static async Task RebuildAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var sql in new[]
                 {
                     $"truncate {SearchTables.Products}, {SearchTables.Terms}",
                     // Rows of a category side by side: a search within a category, and the
                     // matches of a word (which mostly share categories), read few pages.
                     Upsert + " order by d.category_id, d.id",
                     TermsOf,
                     CategoryTerms,
                     SearchTables.RefreshCategoriesSql,
                 })
        {
            await using var command = new NpgsqlCommand(sql, connection, transaction) { CommandTimeout = 0 };
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }
}
