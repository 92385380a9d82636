using System.Globalization;
using System.Text;
using Npgsql;

namespace Federated.Catalog.Search;

/// <summary>
/// What a shopper typed, as a PostgreSQL <c>tsquery</c>: words are lower-cased and unaccented;
/// every word must match (AND); the last word also matches as a prefix, for search as you
/// type, widened to the known words it starts that are used most; a word the catalog does not
/// know is widened to the known words one or two edits away ("hedphones" also finds "headphones").
/// </summary>
public sealed class SearchText
{
    public const int MaxWords = 8;
    private const int MaxWordLength = 40;
    private const int MinCorrectableLength = 4;
    private const int MinPrefixLength = 2;
    private const int PrefixCompletions = 3;

    private SearchText(IReadOnlyList<string> words) => Words = words;

    public IReadOnlyList<string> Words { get; }

    /// <summary>The words of <paramref name="query"/>; none when it has no letter or digit.</summary>
    public static SearchText Parse(string query)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in query.Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c))
            {
                if (word.Length < MaxWordLength)
                    word.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && word.Length > 0)
            {
                Flush();
            }
        }
        Flush();
        return new SearchText(words);

        void Flush()
        {
            if (word.Length > 0 && words.Count < MaxWords && !words.Contains(word.ToString()))
                words.Add(word.ToString());
            word.Clear();
        }
    }

    /// <summary>
    /// Known words close to each unknown word, in one round trip. A word is unknown when no
    /// name, brand or category uses it (the last word: when none even starts with it).
    /// Candidates come from the trigram index and must be within one edit (two for words of
    /// eight letters or more); the closest and most used come first.
    /// </summary>
    public async Task<SearchTsQuery> ToTsQueryAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        var corrections = Words.ToDictionary(w => w, w => new List<string> { w });
        await using (var command = dataSource.CreateCommand($"""
            select t.word, c.term
            from unnest($1::text[]) with ordinality as t(word, position)
            cross join lateral (
                select k.term from {SearchTables.Terms} k
                where length(t.word) >= {MinCorrectableLength} and k.term % t.word
                  and levenshtein(k.term, t.word) <= case when length(t.word) >= 8 then 2 else 1 end
                order by levenshtein(k.term, t.word), k.documents desc, k.term
                limit 3
            ) c
            where not exists (select 1 from {SearchTables.Terms} k where k.term = t.word)
              and (t.position < $2 or not exists (select 1 from {SearchTables.Terms} k where k.term like t.word || '%'))
            union all
            select * from (
                select $3, k.term from {SearchTables.Terms} k
                where $3 is not null and k.term like $3 || '%' and k.term <> $3
                order by k.documents desc, k.term
                limit {PrefixCompletions}
            ) completions
            """))
        {
            command.Parameters.Add(new NpgsqlParameter { Value = Words.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = (long)Words.Count });
            // The last word's most used completions: its prefix is stemmed before it is matched,
            // so "gami" (gaming is stored as "game") and stop words typed as the start of a word
            // ("no" of noise, "he" of headphones) matched nothing (found by a review).
            command.Parameters.Add(new NpgsqlParameter<string?> { TypedValue = Words[^1].Length >= MinPrefixLength ? Words[^1] : null });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                corrections[reader.GetString(0)].Add(reader.GetString(1));
        }
        return ToTsQuery(corrections);
    }

    private SearchTsQuery ToTsQuery(Dictionary<string, List<string>> alternatives)
    {
        // Words hold letters and digits only, so nothing in them is tsquery syntax.
        var groups = Words.Select((word, i) =>
        {
            var prefix = i == Words.Count - 1 && word.Length >= MinPrefixLength ? ":*" : "";
            return alternatives[word].Select(a => a + prefix).ToList();
        }).ToList();
        return new SearchTsQuery([.. groups.Select(g => (IReadOnlyList<string>)g)]);
    }
}

/// <summary>
/// A search as <c>tsquery</c> texts. <see cref="Groups"/> hold each typed word with its
/// corrections (a prefix ends in <c>:*</c>); <see cref="Every"/> is what a product must match
/// (a word of every group); <see cref="Any"/> matches any one of the words, which is how
/// <see cref="ProductListQuery"/> finds the products whose name or brand takes part.
/// </summary>
public sealed record SearchTsQuery(IReadOnlyList<IReadOnlyList<string>> Groups)
{
    public string Every => string.Join(" & ", Groups.Select(Group));

    /// <summary>Every group but the last: what the full-text index is asked when the last word is a prefix that starts too many words.</summary>
    public string EveryButLast => string.Join(" & ", Groups.SkipLast(1).Select(Group));

    public string Any => string.Join(" | ", Groups.SelectMany(g => g));

    public bool EndsWithPrefix => Groups.Count > 1 && Groups[^1].Any(w => w.EndsWith(":*", StringComparison.Ordinal));

    public static string Group(IReadOnlyList<string> words) => "(" + string.Join(" | ", words) + ")";
}
