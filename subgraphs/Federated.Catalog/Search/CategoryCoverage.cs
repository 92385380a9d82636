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
public sealed record CategoryCoverage(IReadOnlyList<CoveredCategory> Covered, bool Whole)
{
    public string[] Ids => [.. Covered.Select(c => c.Id)];

    public static async Task<CategoryCoverage> FindAsync(NpgsqlConnection connection, string tsQuery, string? scope, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            with recursive {SearchIndex.CategoryPaths}
            select paths.id, {SearchIndex.PathDocument} @@ q.query, ts_rank({SearchIndex.PathDocument}, q.query)
            from paths cross join to_tsquery('{SearchTables.Language}', $1) as q(query)
            where not exists (select 1 from catalog.mt_doc_category c where c.data ->> 'ParentId' = paths.id)
              and ($2::text is null or paths.ids @> array[$2::text])
            order by paths.id
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tsQuery });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)scope ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        var covered = new List<CoveredCategory>();
        var leaves = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            leaves++;
            if (reader.GetBoolean(1))
                covered.Add(new CoveredCategory(reader.GetString(0), reader.GetFloat(2)));
        }
        return new CategoryCoverage(covered, leaves > 0 && covered.Count == leaves);
    }
}
