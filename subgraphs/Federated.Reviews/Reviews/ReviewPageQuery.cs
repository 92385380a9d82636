using System.Globalization;
using System.Text;
using Federated.Kit.Errors;
using Federated.Kit.Paging;
using Federated.Reviews.Data;
using Marten;
using Npgsql;

namespace Federated.Reviews.Reviews;

/// <summary>
/// One page of reviews for each of many owners (products or authors) in one SQL statement:
/// for each owner, its first <c>first + 1</c> reviews in the requested order after the keyset
/// cursor (a lateral subquery with a limit). Newest first, that is the first rows of the
/// owner's part of an index (<see cref="ReviewsStore"/>), whatever the number of reviews the
/// owner has; numbering all of an owner's reviews with a window function and keeping the first
/// few had read every review of every owner asked for (4 ms a call for 30 products).
/// </summary>
public sealed class ReviewPageQuery(NpgsqlDataSource dataSource, IDocumentStore store)
{
    public async Task<Dictionary<string, Connection<Review>>> LoadAsync(
        string ownerColumn, IReadOnlyCollection<string> ownerIds, PagingArguments paging, ReviewSort sort, CancellationToken cancellationToken)
    {
        var (column, direction) = Order(sort);
        var (after, afterValue) = After(paging, sort);
        var comparison = direction == "desc" ? "<" : ">";

        string OrderBy(string alias) => $"{alias}.{column} {direction}, {alias}.id {direction}";
        var sql = new StringBuilder().Append($"""
            select o.owner, page.data from unnest(@owners) as o(owner) cross join lateral (
                select d.data, d.{column}, d.id from {ReviewsStore.Table} d where d.{ownerColumn} = o.owner
            """);
        if (after is not null)
            sql.Append($" and (d.{column}, d.id) {comparison} (@after_value, @after_id)");
        sql.Append($" order by {OrderBy("d")} limit @limit) page order by o.owner, {OrderBy("page")}");

        await using var command = dataSource.CreateCommand(sql.ToString());
        command.Parameters.AddWithValue("owners", ownerIds.ToArray());
        command.Parameters.AddWithValue("limit", paging.Limit);
        if (after is not null)
        {
            command.Parameters.AddWithValue("after_value", afterValue!);
            command.Parameters.AddWithValue("after_id", after[2]);
        }

        var serializer = store.Options.Serializer();
        var rows = new Dictionary<string, List<Review>>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var owner = reader.GetString(0);
                var review = serializer.FromJson<Review>(reader, 1);
                if (!rows.TryGetValue(owner, out var list))
                    rows[owner] = list = [];
                list.Add(review);
            }
        }

        return ownerIds.ToDictionary(
            id => id,
            id => Connection<Review>.FromRows(rows.GetValueOrDefault(id) ?? [], paging, r => CursorOf(sort, r)));
    }

    /// <summary>
    /// The page's cursor (sort, sort value, id) and its sort value as the column's type, or
    /// nulls for the first page; <c>INVALID_CURSOR</c> when it is not one of this sort's.
    /// The field checks it before it joins a batch, so that one bad cursor fails its own
    /// field and not every page loaded with it.
    /// </summary>
    public static (string[]? Key, object? Value) After(PagingArguments paging, ReviewSort sort)
    {
        var after = paging.AfterKey<string[]>();
        if (after is null)
            return (null, null);
        if (after is not [var name, var value, { } _] || name != sort.ToString() || ParseSortValue(sort, value) is not { } parsed)
            throw new GraphQLFailure(ErrorCodes.InvalidCursor, "The cursor is not valid for this list and sort order.");
        return (after, parsed);
    }

    private static string CursorOf(ReviewSort sort, Review review) =>
        Cursor.Encode(new[] { sort.ToString(), SortValue(sort, review), review.Id });

    private static string SortValue(ReviewSort sort, Review review) => sort switch
    {
        ReviewSort.Newest => review.CreatedAt.UtcDateTime.ToString("O"),
        ReviewSort.MostHelpful => review.HelpfulVotes.ToString(CultureInfo.InvariantCulture),
        _ => review.Rating.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The cursor's sort value as the column's type; null when a client edited it into nonsense.</summary>
    private static object? ParseSortValue(ReviewSort sort, string value) => sort switch
    {
        ReviewSort.Newest => DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUniversalTime() : null,
        _ => int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null,
    };

    private static (string Column, string Direction) Order(ReviewSort sort) => sort switch
    {
        ReviewSort.Newest => ("created_at", "desc"),
        ReviewSort.MostHelpful => ("helpful_votes", "desc"),
        ReviewSort.HighestRating => ("rating", "desc"),
        ReviewSort.LowestRating => ("rating", "asc"),
        _ => throw new ArgumentOutOfRangeException(nameof(sort)),
    };
}
