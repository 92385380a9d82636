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
/// It also says how to read the rest, from the vocabulary's word counts (names and brands)
/// and the stored category counts. <see cref="FewNamed"/>: the products named with a word of
/// the query are fewer than those of the covered categories, so the name index should pick
/// them out ("electronics": hardly any name holds it) rather than the full-text index reading
/// every match ("yoga ma": "ma" starts words in more than a hundred thousand names).
/// <see cref="PrefixUnindexed"/>: the last word, a prefix, starts words in several times more
/// products than another word matches, so the full-text index is asked for the other words
/// and the prefix is checked on the rows they find ("stainless st").
/// </para>
/// </summary>
public sealed record CategoryCoverage(IReadOnlyList<CoveredCategory> Covered, bool Whole, bool FewNamed, bool PrefixUnindexed)
{
    /// <summary>How many times more products a prefix must reach than another word before the index leaves it out.</summary>
    private const int PrefixSpread = 3;

    public string[] Ids => [.. Covered.Select(c => c.Id)];

    public static async Task<CategoryCoverage> FindAsync(NpgsqlConnection connection, SearchTsQuery query, string? scope, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        var leaves = new NpgsqlBatchCommand($"""
            select l.id, l.document @@ q.query, ts_rank(l.document, q.query),
                   case when l.document @@ q.query then (select coalesce(sum(f.products), 0) from {SearchTables.FacetCounts} f where f.category_id = l.id) else 0 end::bigint
            from {SearchTables.Categories} l cross join to_tsquery('{SearchTables.Language}', $1) as q(query)
            where $2::text is null or l.ids @> array[$2::text]
            order by l.id
            """);
        leaves.Parameters.Add(new NpgsqlParameter { Value = query.Every });
        leaves.Parameters.Add(new NpgsqlParameter { Value = (object?)scope ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        // Per typed word: products whose name or brand holds it (or a word it starts), and products of categories it names.
        var words = new NpgsqlBatchCommand($"""
            select (select coalesce(sum(k.documents), 0) from {SearchTables.Terms} k, regexp_split_to_table(g.words, ' ') as w(word)
                    where case when w.word like '%:*' then k.term like left(w.word, -2) || '%' else k.term = w.word end)::bigint,
                   (select coalesce(sum(f.products), 0) from {SearchTables.FacetCounts} f
                    where f.category_id in (select l.id from {SearchTables.Categories} l where l.document @@ to_tsquery('{SearchTables.Language}', g.query)))::bigint,
                   numnode(to_tsquery('{SearchTables.Language}', g.query)) > 0
            from unnest($1::text[], $2::text[]) with ordinality as g(query, words, position)
            order by g.position
            """);
        words.Parameters.Add(new NpgsqlParameter { Value = query.Groups.Select(SearchTsQuery.Group).ToArray() });
        words.Parameters.Add(new NpgsqlParameter { Value = query.Groups.Select(g => string.Join(' ', g)).ToArray() });
        batch.BatchCommands.Add(leaves);
        batch.BatchCommands.Add(words);

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
        var named = new List<long>();
        // Words that are all stop words drop out of the query: they neither narrow nor count.
        var reach = new List<long?>();
        while (await reader.ReadAsync(cancellationToken))
        {
            named.Add(reader.GetInt64(0));
            reach.Add(reader.GetBoolean(2) ? reader.GetInt64(0) + reader.GetInt64(1) : null);
        }
        var narrowest = reach.SkipLast(1).Min();
        var prefixUnindexed = query.EndsWithPrefix && narrowest is not null && reach[^1] > PrefixSpread * narrowest;
        return new CategoryCoverage(covered, inScope > 0 && covered.Count == inScope, named.Sum() < coveredProducts, prefixUnindexed);
    }
}
