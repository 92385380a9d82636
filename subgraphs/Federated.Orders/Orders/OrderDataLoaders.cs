using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Kit.Paging;
using Federated.Orders.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Federated.Orders.Orders;

/// <summary>A page of one customer's orders, newest first, as asked for by one <c>User.orders</c> field.</summary>
public sealed record OrderPageRequest(string UserId, PagingArguments Paging);

/// <summary>
/// Pages of many customers' orders at once: an administrator's list of users (reviews' authors,
/// say) asking each for its orders. Keys that share paging go to the store as one query for
/// every customer's page of order ids and one load of those orders with their details (a split
/// query, a statement each), whatever the number of customers. A batch of one customer (a
/// shopper's own list) runs the single-customer query instead.
/// </summary>
public sealed class OrdersByUserDataLoader(IDbContextFactory<OrdersDbContext> factory, KitCounters counters)
    : BatchDataLoader<OrderPageRequest, Connection<Order>>(counters)
{
    private static readonly string[] VisibleNames = [.. OrderOperations.Visible.Select(s => s.ToString())];

    private sealed record PageRow(string Id, string UserId);

    private const string PagesSqlTemplate = """
        select page."Id", page."UserId" from unnest(@users) as customer(id)
        cross join lateral (
            select o."Id", o."UserId", o."PlacedAt" from orders.orders o
            where o."UserId" = customer.id and o."Status" = any(@visible) /*after*/
            order by o."PlacedAt" desc, o."Id" limit @limit
        ) page
        order by page."UserId", page."PlacedAt" desc, page."Id"
        """;

    private static readonly string PagesSql = PagesSqlTemplate.Replace("/*after*/", "", StringComparison.Ordinal);

    private static readonly string PagesAfterSql = PagesSqlTemplate.Replace("/*after*/",
        """and (o."PlacedAt" < @at or (o."PlacedAt" = @at and o."Id" > @after))""", StringComparison.Ordinal);

    protected override async Task<IReadOnlyDictionary<OrderPageRequest, Connection<Order>>> LoadBatchAsync(IReadOnlyList<OrderPageRequest> keys, CancellationToken cancellationToken)
    {
        var results = new Dictionary<OrderPageRequest, Connection<Order>>();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // The pages' ids and their orders' details from one snapshot: an order refused between
        // the reads (its challenge failed) left its page short, and told there was no next page.
        await using var snapshot = await OrderOperations.SnapshotAsync(db, cancellationToken);
        foreach (var group in keys.GroupBy(k => k.Paging))
        {
            var paging = group.Key;
            var users = group.Select(k => k.UserId).Distinct().ToArray();
            if (users.Length == 1)
            {
                var single = await OrderOperations.PageAsync(db, users[0], paging, cancellationToken);
                foreach (var key in group)
                    results[key] = single;
                continue;
            }
            // Each customer's page in the lists' order (newest first, then by id: PageAsync's), as
            // many rows as the page and one more: per customer, the index on (UserId, PlacedAt)
            // read from its newest entry and stopped there.
            var after = OrderOperations.AfterPlaced(paging);
            List<NpgsqlParameter> parameters =
                [new("users", users), new("visible", VisibleNames), new("limit", paging.Limit)];
            if (after is var (at, afterId))
                parameters.AddRange([new("at", at), new("after", afterId)]);
            var rows = db.Database.SqlQueryRaw<PageRow>(after is null ? PagesSql : PagesAfterSql, [.. parameters]);
            var page = await rows.ToListAsync(cancellationToken);
            var ids = page.Select(r => r.Id).ToArray();
            var orders = ids.Length == 0
                ? []
                : await OrderOperations.WithDetails(db.Orders.AsNoTracking()).Where(o => ids.Contains(o.Id) && OrderOperations.Visible.Contains(o.Status))
                    .ToDictionaryAsync(o => o.Id, cancellationToken);
            foreach (var key in group)
            {
                // In the first read's order.
                List<Order> own = [.. page.Where(r => r.UserId == key.UserId && orders.ContainsKey(r.Id)).Select(r => orders[r.Id])];
                results[key] = Connection<Order>.FromRows(own, paging, OrderOperations.PlacedCursor);
            }
        }
        return results;
    }
}

/// <summary>
/// Orders by id, with their details, for the references the gateway sends (<c>_entities</c>
/// with many <c>Order</c> representations) and for <c>order(id)</c> fields asked for together:
/// one load of every order in the batch, a statement per detail (a split query). Orders being
/// placed or refused are left out; whose an order is, is checked by the field that asks.
/// </summary>
public sealed class OrderByIdDataLoader(IDbContextFactory<OrdersDbContext> factory, KitCounters counters)
    : BatchDataLoader<string, Order>(counters)
{
    protected override async Task<IReadOnlyDictionary<string, Order>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var snapshot = await OrderOperations.SnapshotAsync(db, cancellationToken);
        var ids = keys.ToArray();
        return await OrderOperations.WithDetails(db.Orders.AsNoTracking())
            .Where(o => ids.Contains(o.Id) && OrderOperations.Visible.Contains(o.Status))
            .ToDictionaryAsync(o => o.Id, cancellationToken);
    }
}

/// <summary>
/// How many orders each list of the request holds (<c>OrderConnection.totalCount</c>): the
/// orders a customer is shown (not those being placed or refused), by customer id, or the orders
/// on hold (<see cref="OnHold"/>). Every customer asked for in one grouped count.
/// </summary>
public sealed class OrderCountDataLoader(IDbContextFactory<OrdersDbContext> factory, KitCounters counters)
    : BatchDataLoader<string, int>(counters)
{
    /// <summary>
    /// The key of the list of orders on hold: no customer id holds U+0000 (the endpoint refuses
    /// it in any text). It was the empty string, which a User representation may name: an
    /// administrator asking `orders { totalCount }` of the user "" was given the held orders' count.
    /// </summary>
    public const string OnHold = "\0held";

    protected override async Task<IReadOnlyDictionary<string, int>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var users = keys.Where(k => k != OnHold).ToArray();
        var counts = users.Length == 0
            ? new Dictionary<string, int>()
            : await db.Orders.Where(o => users.Contains(o.UserId) && OrderOperations.Visible.Contains(o.Status))
                .GroupBy(o => o.UserId).Select(g => new { UserId = g.Key, Count = g.Count() })
                .ToDictionaryAsync(c => c.UserId, c => c.Count, cancellationToken);
        if (keys.Contains(OnHold))
            counts[OnHold] = await db.Orders.CountAsync(o => EF.Property<string?>(o, OrdersDbContext.QueueColumn) == OrdersDbContext.HeldQueue && o.Status == OrderStatus.OnHold, cancellationToken);
        return keys.ToDictionary(k => k, k => counts.GetValueOrDefault(k));
    }
}
