namespace Federated.Kit.Paging;

/// <summary>One page of a Relay connection.</summary>
public record Connection<T>(IReadOnlyList<Edge<T>> Edges, PageInfo PageInfo, int? TotalCount = null)
{
    public IEnumerable<T> Nodes => Edges.Select(e => e.Node);

    /// <summary>
    /// Builds a page from rows fetched with <see cref="PagingArguments.Limit"/> (one more than
    /// asked for), which is how keyset paging learns whether a next page exists.
    /// </summary>
    public static Connection<T> FromRows(IReadOnlyList<T> rows, PagingArguments paging, Func<T, string> cursorOf, int? totalCount = null)
    {
        var hasNext = rows.Count > paging.First;
        var edges = rows.Take(paging.First).Select(r => new Edge<T>(cursorOf(r), r)).ToList();
        var pageInfo = new PageInfo(
            HasNextPage: hasNext,
            HasPreviousPage: paging.After is not null,
            StartCursor: edges.Count > 0 ? edges[0].Cursor : null,
            EndCursor: edges.Count > 0 ? edges[^1].Cursor : null);
        return new Connection<T>(edges, pageInfo, totalCount);
    }
}

public sealed record Edge<T>(string Cursor, T Node);

public sealed record PageInfo(bool HasNextPage, bool HasPreviousPage, string? StartCursor, string? EndCursor);
