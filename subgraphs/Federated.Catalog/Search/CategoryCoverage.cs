using Npgsql;

namespace Federated.Catalog.Search;

/// <summary>A leaf category whose own path words match a whole search, and the rank they alone give.</summary>
public sealed record CoveredCategory(string Id, float Rank);

/// <summary>
/// The leaf categories within a search's scope whose path words (the names from the root down,
/// as they enter every product's document) match the whole query: "electronics" covers every
/// leaf under Electronics, "headphones" the Headphones leaf. Every product filed there matches,
/// because its document holds those words and a search never negates one, so
/// <see cref="ProductListQuery"/> counts such a category from <see cref="SearchTables.FacetCounts"/>
/// instead of reading its rows, and only reads the rows whose name or brand holds a word of the
/// query. The others there rank alike: <see cref="CoveredCategory.Rank"/>, what ts_rank gives
/// for the path's words alone (positions count only relative to each other, and there is no
/// length normalization), which equals ts_rank over their whole documents.
/// </summary>
/// <para>
/// It also says how to read the rest: <see cref="FewNamed"/> when the products named with a
/// word of the query are few beside those of the covered categories (by the vocabulary's word
/// counts and the stored category counts), so the name index should pick them out ("electronics":
/// hardly any name holds it), rather than the full-text index reading every match ("yoga ma":
/// "ma" starts words in more than a hundred thousand names).
/// </para>
/// </summary>
public sealed record CategoryCoverage(IReadOnlyList<CoveredCategory> Covered, bool Whole, bool FewNamed)
{
    public string[] Ids => [.. Covered.Select(c => c.Id)];

    public static async Task<CategoryCoverage> FindAsync(NpgsqlConnection connection, SearchTsQuery query, string? scope, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var leaves = new NpgsqlBatchCommand($"""
            with recursive {SearchIndex.CategoryPaths}
            select paths.id, {SearchIndex.PathDocument} @@ q.query, ts_rank({SearchIndex.PathDocument}, q.query),
                   (select coalesce(sum(f.products), 0) from {SearchTables.FacetCounts} f where f.category_id = paths.id)::bigint
            from paths cross join to_tsquery('{SearchTables.Language}', $1) as q(query)
            where not exists (select 1 from catalog.mt_doc_category c where c.data ->> 'ParentId' = paths.id)
              and ($2::text is null or paths.ids @> array[$2::text])
            order by paths.id
            """);
        leaves.Parameters.Add(new NpgsqlParameter { Value = query.Every });
        leaves.Parameters.Add(new NpgsqlParameter { Value = (object?)scope ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var named = new NpgsqlBatchCommand($"""
            select coalesce(sum(t.documents), 0)::bigint from {SearchTables.Terms} t
            where t.term = any($1) or t.term like any($2)
            """);
        named.Parameters.Add(new NpgsqlParameter { Value = query.Terms.Where(t => !t.EndsWith(":*")).ToArray() });
        named.Parameters.Add(new NpgsqlParameter { Value = query.Terms.Where(t => t.EndsWith(":*")).Select(t => t[..^2] + "%").ToArray() });
        batch.BatchCommands.Add(leaves);
        batch.BatchCommands.Add(named);

        var covered = new List<CoveredCategory>();
        var inScope = 0;
        long coveredProducts = 0;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            inScope++;
            if (reader.GetBoolean(1))
            {
                covered.Add(new CoveredCategory(reader.GetString(0), reader.GetFloat(2)));
                coveredProducts += reader.GetInt64(3);
            }
        }
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var namedProducts = reader.GetInt64(0);
        return new CategoryCoverage(covered, inScope > 0 && covered.Count == inScope, namedProducts * 2 < coveredProducts);
    }
}
