using Federated.Kit.Hosting;
using Npgsql;

namespace Federated.Catalog.Search;

/// <summary>
/// The tables search and product lists read: <see cref="Products"/> is a relational copy of
/// each product's searchable and sortable fields with a weighted full-text document, kept in
/// the same transaction as every product write (<see cref="SearchIndex"/>); <see cref="Terms"/>
/// is the vocabulary misspelled words are corrected against, with a trigram index.
/// Indexes are separate (<see cref="CreateIndexesSql"/>) so a bulk load can build them after
/// the rows are in, which is several times faster than maintaining them row by row.
/// </summary>
public sealed class SearchTables(NpgsqlDataSource dataSource) : IStartupTask
{
    public const string Products = CatalogExtensions.ServiceName + ".product_search";
    public const string Terms = CatalogExtensions.ServiceName + ".search_terms";

    /// <summary>The text search configuration of documents and queries: English stemming.</summary>
    public const string Language = "english";

    public const string CreateIndexesSql = $"""
        create index if not exists product_search_document on {Products} using gin (document);
        create index if not exists product_search_categories on {Products} using gin (category_ids);
        create index if not exists product_search_price on {Products} (price, id);
        create index if not exists product_search_newest on {Products} (created_at desc, id);
        create index if not exists product_search_name on {Products} (name, id);
        create index if not exists search_terms_trigrams on {Terms} using gin (term gin_trgm_ops);
        """;

    public const string DropIndexesSql = """
        drop index if exists catalog.product_search_document;
        drop index if exists catalog.product_search_categories;
        drop index if exists catalog.product_search_price;
        drop index if exists catalog.product_search_newest;
        drop index if exists catalog.product_search_name;
        drop index if exists catalog.search_terms_trigrams;
        """;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
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
                document tsvector not null
            );
            create table if not exists {Terms} (
                term text collate "C" primary key,
                documents integer not null default 1
            );
            {CreateIndexesSql}
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
