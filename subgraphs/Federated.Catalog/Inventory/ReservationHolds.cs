using Federated.Kit.Diagnostics;
using Federated.Kit.Hosting;
using Npgsql;

namespace Federated.Catalog.Inventory;

/// <summary>
/// The last step of the usual reservation: claiming orders and holding their units, for every
/// reservation that arrives while one such statement runs, in the next one
/// (<see cref="StatementGroup{TRequest, TResult}"/>). The statement locks each inventory row
/// once for the whole group and commits once, so on a hot SKU the buyers that arrive together
/// wait for one row lock and one WAL flush, not each for its own in a queue (the row stays
/// locked until the commit is flushed, and each next holder would wait for that); on spread
/// SKUs the commits are fewer. One statement is in flight per service instance: a reservation
/// that finds none running starts one at once, so with no load nothing waits. Two in flight
/// were tried, so that a hot row would stay busy while this service waits for a core to send
/// the next: the groups were smaller (1.8 reservations a statement against 2.4 under the
/// checkout benchmark), and the throughput no better (spread 235.9 orders/s by mean of four
/// runs, against 249.7 with one).
/// A group is all or nothing: when the check constraint refuses it (some order's units were
/// taken since it read them), no order of it is held, and each is decided again under lock by
/// its caller. An order already claimed (a repeat, a tombstone), or named twice in one group,
/// is not held (the copy after the first), and its caller decides it again under lock too.
/// Any other refusal by the server is handled as <see cref="StatementGroup{TRequest, TResult}"/>
/// does: a value, constraint, deadlock or serialization failure runs each order again alone.
/// </summary>
public sealed class ReservationHolds(NpgsqlDataSource dataSource, KitCounters counters)
{
    /// <summary>At most this many orders' lines in one statement.</summary>
    public const int MaxLinesPerStatement = 1_000;

    /// <summary>The counters (in /diagnostics/counters) of hold statements that completed, and of the orders they named.</summary>
    public const string StatementsCounter = "reservationHolds.statements", ReservationsCounter = "reservationHolds.reservations";

    private readonly StatementGroup<Hold, bool> _holds = new(
        group => HoldAllAsync(dataSource, counters, group), MaxLinesPerStatement, hold => hold.Units.Count);

    /// <summary>One order's claim and units.</summary>
    private sealed record Hold(string OrderId, string Hash, IReadOnlyList<ReservedUnits> Units);

    /// <summary>
    /// True when this call claimed the order and held and recorded its units; false when it did
    /// not (the order claimed before or by a copy in the same group, or the group refused by the
    /// check constraint).
    /// </summary>
    public Task<bool> HoldAsync(string orderId, string hash, IReadOnlyList<ReservedUnits> units, CancellationToken cancellationToken) =>
        _holds.RunAsync(new Hold(orderId, hash, units), cancellationToken);

    /// <summary>
    /// Holds every order of <paramref name="group"/> in one statement, each named once (the
    /// same order twice in one statement would hold its units twice: a later copy is answered
    /// false, and decided under lock after the first commits).
    /// </summary>
    private static async Task<IReadOnlyList<bool>> HoldAllAsync(NpgsqlDataSource dataSource, KitCounters counters, IReadOnlyList<Hold> group)
    {
        var first = group.DistinctBy(h => h.OrderId).ToList();
        var named = first.ToHashSet<Hold>(ReferenceEqualityComparer.Instance);
        var claimed = await HoldGroupAsync(dataSource, first);
        counters.Count(StatementsCounter);
        counters.Count(ReservationsCounter, first.Count);
        return [.. group.Select(hold => named.Contains(hold) && claimed.Contains(hold.OrderId))];
    }

    /// <summary>One statement for <paramref name="group"/>, committing as it ends; the orders it claimed and held.</summary>
    private static async Task<HashSet<string>> HoldGroupAsync(NpgsqlDataSource dataSource, List<Hold> group)
    {
        var lines = group.SelectMany((hold, index) => hold.Units.Select(unit => (Order: index + 1, Unit: unit))).ToList();
        await using var batch = dataSource.CreateBatch();
        // The claims first, each only if every row it names is there (rows are never deleted,
        // but a claim without its lines would answer every repeat wrongly); then the rows, in the
        // order every reserve and commit locks them (no deadlock), each once, by the sum of what
        // the claimed orders take from it (an update joined to several rows of one target
        // applies only one); then the claimed orders' lines.
        batch.BatchCommands.Add(Positional.Statement($"""
            with o as (
                select * from unnest($1::text[], $2::text[]) with ordinality as o(order_id, lines_hash, n)),
            a as (
                select * from unnest($3::int[], $4::text[], $5::text[], $6::int[]) as a(n, sku, fulfillment_center, quantity)),
            claim as (
                insert into {Reservations.Orders} (order_id, status, lines_hash)
                select o.order_id, 'RESERVED', o.lines_hash from o
                where not exists (
                    select 1 from a where a.n = o.n and not exists (
                        select 1 from {InventoryTable.Name} i where i.sku = a.sku and i.fulfillment_center = a.fulfillment_center))
                on conflict (order_id) do nothing
                returning order_id),
            taken as (
                select claim.order_id, a.sku, a.fulfillment_center, a.quantity
                from claim join o on o.order_id = claim.order_id join a on a.n = o.n),
            units as (
                select sku, fulfillment_center, sum(quantity)::int as quantity from taken group by sku, fulfillment_center),
            locked as (
                select i.sku, i.fulfillment_center from {InventoryTable.Name} i
                join units u on u.sku = i.sku and u.fulfillment_center = i.fulfillment_center
                order by i.sku, i.fulfillment_center for update of i),
            held as (
                update {InventoryTable.Name} i set reserved = i.reserved + u.quantity
                from units u join locked k on k.sku = u.sku and k.fulfillment_center = u.fulfillment_center
                where i.sku = u.sku and i.fulfillment_center = u.fulfillment_center
                returning i.sku),
            recorded as (
                insert into {Reservations.Lines} (order_id, sku, fulfillment_center, quantity)
                select order_id, sku, fulfillment_center, quantity from taken)
            select coalesce((select array_agg(order_id) from claim), array[]::text[]), (select count(*) from held)::int, (select count(*) from units)::int
            """,
            group.Select(h => h.OrderId).ToArray(), group.Select(h => h.Hash).ToArray(),
            lines.Select(l => l.Order).ToArray(), lines.Select(l => l.Unit.Sku).ToArray(),
            lines.Select(l => l.Unit.FulfillmentCenter).ToArray(), lines.Select(l => l.Unit.Quantity).ToArray()));
        // Holding units can only take a product out of stock (see the function).
        batch.BatchCommands.Add(Positional.Statement($"select {Reservations.MarkSoldOut}($1)", (object)group.Select(h => h.OrderId).ToArray()));
        try
        {
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.ReadAsync();
            var (claimed, held, rows) = (reader.GetFieldValue<string[]>(0), reader.GetInt32(1), reader.GetInt32(2));
            if (held != rows)
                throw new InvalidOperationException($"A reservation statement held {held} of its {rows} inventory rows.");
            return [.. claimed];
        }
        catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.CheckViolation, ConstraintName: InventoryTable.QuantitiesValid })
        {
            // Another order took some units since they were read: nothing of this statement stayed.
            return [];
        }
    }
}
