using System.Security.Cryptography;
using System.Text;
using Federated.Catalog.Products;
using Federated.Kit.Diagnostics;
using Federated.Kit.Errors;
using Federated.Kit.Hosting;
using Npgsql;

namespace Federated.Catalog.Inventory;

public enum ReservationStatus { Reserved, Released, Committed, Restocked }

/// <summary>A line to reserve; with <paramref name="PricedAs"/>, only while the variant still sells at those terms.</summary>
public sealed record ReservationLine(string Sku, int Quantity, SaleTerms? PricedAs = null);

/// <summary>What a unit of a variant sells at: its price and the weight its shipping is priced by.</summary>
public sealed record SaleTerms(decimal Price, string CurrencyCode, int WeightGrams)
{
    public override string ToString() =>
        $"{Price.ToString(System.Globalization.CultureInfo.InvariantCulture)} {CurrencyCode} and {WeightGrams} g";
}

public sealed record ReservedUnits(string Sku, string FulfillmentCenter, int Quantity);

public sealed record Reservation(string OrderId, ReservationStatus Status, IReadOnlyList<ReservedUnits> Lines);

public sealed record ReservationResult(Reservation? Reservation, IReadOnlyList<UserError> Errors)
{
    public static ReservationResult Failed(params UserError[] errors) => new(null, errors);
}

/// <summary>
/// Stock held for orders, keyed by order id. Reserving is all or nothing: in one transaction
/// the order's inventory rows are locked in a fixed order (so two orders never deadlock),
/// checked and updated, and the reservation is recorded; a short line rolls everything back.
/// Every operation is idempotent: a repeated reserve returns the reservation already made
/// (the same order id with other lines is an error), a repeated release or commit changes
/// nothing. A release that arrives before its reserve leaves a tombstone, so the late reserve
/// is refused instead of holding stock for an order that was given up.
/// Round trips: the statements of one batch run as one transaction, all or nothing (PostgreSQL
/// runs everything sent before a Sync that way, and Npgsql sends one Sync per batch), so a
/// release or a commit, one batch each, needs no BEGIN and no COMMIT of its own. A reserve
/// reads, decides, then holds in one batch shared with the reservations arriving meanwhile
/// (<see cref="TryReserveAtOnceAsync"/>); when that
/// cannot make the reservation, the order is decided again with the rows locked between two
/// batches that begin and commit the transaction themselves.
/// </summary>
public sealed class Reservations(NpgsqlDataSource dataSource, KitCounters counters) : IStartupTask
{
    private readonly ReservationHolds _holds = new(dataSource, counters);

    public const string Orders = CatalogExtensions.ServiceName + ".reservations";
    public const string Lines = CatalogExtensions.ServiceName + ".reservation_lines";

    public const int MaxLines = 100;
    public const int MaxQuantity = 1_000;

    public const string OutOfStock = "OUT_OF_STOCK";
    public const string PriceChanged = "PRICE_CHANGED";
    public const string IdempotencyConflict = "IDEMPOTENCY_CONFLICT";
    public const string ReservationReleased = "RESERVATION_RELEASED";
    public const string ReservationCommitted = "RESERVATION_COMMITTED";
    public const string ReservationNotFound = "RESERVATION_NOT_FOUND";
    public const string ReservationNotCommitted = "RESERVATION_NOT_COMMITTED";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Instances starting at once take turns: two replacing one function at once can fail.
        // The function once took one order (text); that version is left in place, for an older
        // instance still running beside this one during a rolling deploy. The reservations grow
        // by rows with orders and are analyzed on a small sample (PostgresStore.SampledStatisticsTarget).
        await using var command = dataSource.CreateCommand($"""
            select pg_advisory_xact_lock(hashtext('{Orders}'));
            create table if not exists {Orders} (
                order_id text primary key,
                status text not null,
                lines_hash text,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now()
            );
            create table if not exists {Lines} (
                order_id text not null references {Orders} (order_id),
                sku text not null,
                fulfillment_center text not null,
                quantity integer not null check (quantity > 0),
                primary key (order_id, sku, fulfillment_center)
            );
            {PostgresStore.SampledStatisticsSql(Orders, Lines)}
            create or replace function {MarkSoldOut}(reserved_for text[]) returns void language plpgsql as $$
            declare
                emptied text[];
            begin
                select array_agg(distinct i.product_id) into emptied
                from {Lines} l join {InventoryTable.Name} i on i.sku = l.sku and i.fulfillment_center = l.fulfillment_center
                where l.order_id = any(reserved_for) and i.on_hand = i.reserved;
                if emptied is not null then
                    perform {Search.SearchTables.RefreshInStock}(emptied);
                end if;
            end $$;
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Holds the lines' units for the order, or nothing: refused when a line's variant does not
    /// exist, sells at other terms than the line was priced at (<see cref="PriceChanged"/>), or
    /// is short. A repeat of a reservation already made answers it, whatever prices did since.
    /// </summary>
    public async Task<ReservationResult> ReserveAsync(string orderId, IReadOnlyList<ReservationLine> lines, IReadOnlyList<string> preferredCenters, CancellationToken cancellationToken)
    {
        var hash = Hash(lines);
        var skus = lines.Select(l => l.Sku).ToArray();
        if (await TryReserveAtOnceAsync(orderId, hash, lines, skus, preferredCenters, cancellationToken) is { } reserved)
            return reserved;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ReserveUnderLockAsync(connection, orderId, hash, lines, skus, preferredCenters, cancellationToken);
    }

    /// <summary>
    /// The usual reservation, without holding a row lock across a round trip: the stock is read
    /// without locks, the allocation decided from it, and one statement then claims the order,
    /// locks its rows and holds the units, committing as it ends; that statement holds every
    /// reservation waiting for one (<see cref="ReservationHolds"/>). On a hot SKU the row is then
    /// locked only while PostgreSQL runs that statement, not while this service waits for its
    /// next turn on the CPU between two round trips. Anything but a reservation made (the order
    /// seen before, a term changed, a shortage, the units taken meanwhile: the check constraint
    /// refuses to hold more than is on hand) returns null, and
    /// <see cref="ReserveUnderLockAsync"/> decides under lock, as it always did: every refusal
    /// and every repeat is answered by it alone.
    /// </summary>
    private async Task<ReservationResult?> TryReserveAtOnceAsync(string orderId, string hash,
        IReadOnlyList<ReservationLine> lines, string[] skus, IReadOnlyList<string> preferredCenters, CancellationToken cancellationToken)
    {
        await using var read = dataSource.CreateBatch();
        read.BatchCommands.Add(Positional.Statement(TermsSql, (object)skus));
        read.BatchCommands.Add(Positional.Statement($"select sku, fulfillment_center, on_hand - reserved from {InventoryTable.Name} where sku = any($1)", (object)skus));
        Dictionary<string, SaleTerms> terms;
        Dictionary<(string Sku, string Center), int> available;
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            (terms, available) = await ReadTermsAndStockAsync(reader, cancellationToken);
        // An order reserved before is not looked for: if it was, the claim below finds it.
        if (lines.Any(l => !terms.TryGetValue(l.Sku, out var now) || l.PricedAs is { } then && then != now))
            return null;
        var allocation = Allocate(lines, available, preferredCenters, out var shortages);
        if (shortages.Count > 0)
            return null;

        return await _holds.HoldAsync(orderId, hash, allocation, cancellationToken)
            ? new ReservationResult(new Reservation(orderId, ReservationStatus.Reserved, allocation), [])
            : null;
    }

    /// <summary>
    /// Holds the lines' units with the rows locked from the first read to the commit: how every
    /// reservation that <see cref="TryReserveAtOnceAsync"/> did not make is decided.
    /// </summary>
    private static async Task<ReservationResult> ReserveUnderLockAsync(NpgsqlConnection connection, string orderId, string hash,
        IReadOnlyList<ReservationLine> lines, string[] skus, IReadOnlyList<string> preferredCenters, CancellationToken cancellationToken)
    {
        // One round trip begins the transaction, claims the order id (a concurrent reserve of the
        // same order waits there until this one ends), reads the variants' terms and locks the
        // lines' inventory rows in a fixed order. Should anything fail before the commit, the
        // connection going back to the pool rolls the transaction back.
        await using var claimAndLock = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Positional.Statement("begin"),
                Positional.Statement($"insert into {Orders} (order_id, status, lines_hash) values ($1, 'RESERVED', $2) on conflict (order_id) do nothing", orderId, hash),
                Positional.Statement(TermsSql, (object)skus),
                Positional.Statement($"""
                    select sku, fulfillment_center, on_hand - reserved from {InventoryTable.Name}
                    where sku = any($1) order by sku, fulfillment_center for update
                    """, (object)skus),
            },
        };
        Dictionary<string, SaleTerms> terms;
        Dictionary<(string Sku, string Center), int> available;
        await using (var reader = await claimAndLock.ExecuteReaderAsync(cancellationToken))
            (terms, available) = await ReadTermsAndStockAsync(reader, cancellationToken);
        if (claimAndLock.BatchCommands[1].RecordsAffected == 0)
        {
            var existing = await LoadAsync(connection, orderId, cancellationToken);
            await EndAsync(connection, "rollback", cancellationToken);
            return existing switch
            {
                // Released, whether before it was reserved (a tombstone) or after: a late repeat is
                // refused as such (a repeat of a released reservation answered it with no error).
                ({ Status: ReservationStatus.Released or ReservationStatus.Restocked }, _) => ReservationResult.Failed(new UserError(ReservationReleased, "This order's stock was released; it cannot be reserved again.", ["input", "orderId"])),
                (_, var existingHash) when existingHash != hash => ReservationResult.Failed(new UserError(IdempotencyConflict, "This order already reserved other lines.", ["input", "lines"])),
                var (reservation, _) => new ReservationResult(reservation, []),
            };
        }
        List<UserError> refused = [.. lines.Select((l, i) => (l, i)).Where(x => !terms.ContainsKey(x.l.Sku)).Select(x => new UserError(CatalogErrors.VariantNotFound,
            $"There is no variant '{x.l.Sku}'.", ["input", "lines", Index(x.i), "sku"]))];
        if (refused.Count == 0)
            refused = [.. lines.Select((l, i) => (l, i)).Where(x => x.l.PricedAs is { } then && then != terms[x.l.Sku]).Select(x => new UserError(PriceChanged,
                $"'{x.l.Sku}' is now {terms[x.l.Sku]} a unit, not {x.l.PricedAs}.", ["input", "lines", Index(x.i), "pricedAs"]))];
        if (refused.Count > 0)
        {
            await EndAsync(connection, "rollback", cancellationToken);
            return ReservationResult.Failed([.. refused]);
        }
        var allocation = Allocate(lines, available, preferredCenters, out var shortages);
        if (shortages.Count > 0)
        {
            await EndAsync(connection, "rollback", cancellationToken);
            return ReservationResult.Failed([.. shortages.Select(s => new UserError(OutOfStock,
                $"Only {s.Available} of '{s.Sku}' available, {s.Wanted} asked for.", ["input", "lines", s.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), "quantity"]))]);
        }

        // And one more holds the units, records them, clears search's in-stock flag when this
        // took a product's last units (as the usual reservation does), and commits.
        string[] heldSkus = [.. allocation.Select(a => a.Sku)], centers = [.. allocation.Select(a => a.FulfillmentCenter)];
        int[] quantities = [.. allocation.Select(a => a.Quantity)];
        await using var hold = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Positional.Statement($"""
                    update {InventoryTable.Name} i set reserved = i.reserved + a.quantity
                    from unnest($1::text[], $2::text[], $3::int[]) as a(sku, fulfillment_center, quantity)
                    where i.sku = a.sku and i.fulfillment_center = a.fulfillment_center
                    """, heldSkus, centers, quantities),
                Positional.Statement($"""
                    insert into {Lines} (order_id, sku, fulfillment_center, quantity)
                    select $1, a.sku, a.fulfillment_center, a.quantity
                    from unnest($2::text[], $3::text[], $4::int[]) as a(sku, fulfillment_center, quantity)
                    """, orderId, heldSkus, centers, quantities),
                Positional.Statement($"select {MarkSoldOut}($1)", (object)new[] { orderId }),
                Positional.Statement("commit"),
            },
        };
        await hold.ExecuteNonQueryAsync(cancellationToken);
        return new ReservationResult(new Reservation(orderId, ReservationStatus.Reserved, allocation), []);
    }

    /// <summary>The order shipped: its units leave stock for good (as <see cref="CommitManyAsync"/> for one order).</summary>
    public async Task<ReservationResult> CommitAsync(string orderId, CancellationToken cancellationToken) =>
        (await CommitAsync([orderId], _ => ["input", "orderId"], cancellationToken))[0];

    /// <summary>At most this many orders per <see cref="CommitManyAsync"/>.</summary>
    public const int MaxBatch = 1_000;

    /// <summary>
    /// Commits several orders' reservations at once (a fulfillment wave shipping), in one round
    /// trip, with the same answers and idempotency as one
    /// <see cref="CommitAsync"/> per order, in <paramref name="orderIds"/>' order. The units of
    /// all the orders are summed per inventory row (an update joined to several rows of one
    /// inventory row would apply only one of them), and the rows are locked in the order every
    /// reserve locks them, so a wave and a checkout never deadlock. Committing takes units out of
    /// on hand and reserved alike: what is available, and so search's in-stock flag, stays as it was.
    /// </summary>
    public Task<IReadOnlyList<ReservationResult>> CommitManyAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken) =>
        CommitAsync(orderIds, index => ["input", "orderIds", index.ToString(System.Globalization.CultureInfo.InvariantCulture)], cancellationToken);

    /// <summary>Commits <paramref name="orderIds"/>; an order's errors point at <paramref name="field"/> of its index.</summary>
    private async Task<IReadOnlyList<ReservationResult>> CommitAsync(IReadOnlyList<string> orderIds, Func<int, IReadOnlyList<string>> field, CancellationToken cancellationToken)
    {
        string[] ids = [.. orderIds.Distinct(StringComparer.Ordinal)];
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One batch, one transaction (see the class summary).
        await using var commit = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Positional.Statement($"""
                    with moved as (
                        update {Orders} set status = 'COMMITTED', updated_at = now() where order_id = any($1) and status = 'RESERVED' returning order_id),
                    units as (
                        select l.sku, l.fulfillment_center, sum(l.quantity)::int as quantity
                        from {Lines} l join moved on moved.order_id = l.order_id group by l.sku, l.fulfillment_center),
                    locked as (
                        select i.sku, i.fulfillment_center from {InventoryTable.Name} i
                        join units u on u.sku = i.sku and u.fulfillment_center = i.fulfillment_center
                        order by i.sku, i.fulfillment_center for update of i)
                    update {InventoryTable.Name} i set reserved = i.reserved - u.quantity, on_hand = i.on_hand - u.quantity
                    from units u join locked k on k.sku = u.sku and k.fulfillment_center = u.fulfillment_center
                    where i.sku = u.sku and i.fulfillment_center = u.fulfillment_center
                    """, (object)ids),
                Positional.Statement($"""
                    select o.order_id, o.status, l.sku, l.fulfillment_center, l.quantity
                    from {Orders} o left join {Lines} l on l.order_id = o.order_id
                    where o.order_id = any($1) order by o.order_id, l.sku, l.fulfillment_center
                    """, (object)ids),
            },
        };
        var found = new Dictionary<string, (ReservationStatus Status, List<ReservedUnits> Lines)>(StringComparer.Ordinal);
        await using (var reader = await commit.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var orderId = reader.GetString(0);
                if (!found.TryGetValue(orderId, out var reservation))
                    found[orderId] = reservation = (Enum.Parse<ReservationStatus>(reader.GetString(1), ignoreCase: true), []);
                if (!reader.IsDBNull(2))
                    reservation.Lines.Add(new ReservedUnits(reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
            }
        }
        return [.. orderIds.Select((orderId, index) => Outcome(
            found.TryGetValue(orderId, out var r) ? new Reservation(orderId, r.Status, r.Lines) : null,
            ReservationStatus.Committed, field(index)))];
    }

    /// <summary>
    /// Gives the order's units back to stock (an order cancelled or failed before shipping), in
    /// one round trip: the stock changes only when this call moved the reservation, so a repeat
    /// changes nothing; a release that finds no reservation leaves a tombstone; search's
    /// in-stock flag follows; and the reservation is read back as it now stands.
    /// </summary>
    public Task<ReservationResult> ReleaseAsync(string orderId, CancellationToken cancellationToken) =>
        MoveAsync(orderId, ReservationStatus.Released, cancellationToken,
            // First the tombstone: nothing reserved yet, it refuses a late reserve. A reserve in
            // flight (its claim inserted, not yet committed, while it waits for a row lock) makes
            // this wait for its end; the update below then sees what it reserved and releases
            // it. Run after the update, the tombstone waited just the same, but the update had
            // already found nothing: the units stayed held, and the release answered
            // RESERVATION_RELEASED.
            $"insert into {Orders} (order_id, status) values ($1, 'RELEASED') on conflict (order_id) do nothing",
            GiveBack(ReservationStatus.Reserved, ReservationStatus.Released, "reserved = i.reserved - l.quantity"));

    /// <summary>
    /// Puts a committed order's units back on hand, once: units that left stock for an order
    /// that then did not ship (the catalog committed them, and the order was cancelled before a
    /// parcel left: a wave that died before its save, or whose step then failed). As a release:
    /// the stock changes only when this call moved the reservation from COMMITTED to RESTOCKED,
    /// so a repeat changes nothing; search's in-stock flag follows.
    /// </summary>
    public Task<ReservationResult> RestockAsync(string orderId, CancellationToken cancellationToken) =>
        MoveAsync(orderId, ReservationStatus.Restocked, cancellationToken,
            GiveBack(ReservationStatus.Committed, ReservationStatus.Restocked, "on_hand = i.on_hand + l.quantity"));

    /// <summary>
    /// The statement (of <c>$1</c>, the order id) that moves the order's reservation from
    /// <paramref name="from"/> to <paramref name="to"/> and, only if it did, changes its lines'
    /// inventory rows by <paramref name="change"/>. The rows are locked first, in the order every
    /// reservation and commit locks them (SKU, then center), not in whatever order the plan
    /// visits them: two statements that lock one pair of rows in opposite orders deadlock, and
    /// PostgreSQL then fails one of them a second later.
    /// </summary>
    private static string GiveBack(ReservationStatus from, ReservationStatus to, string change) => $"""
        with moved as (
            update {Orders} set status = '{to.ToString().ToUpperInvariant()}', updated_at = now()
            where order_id = $1 and status = '{from.ToString().ToUpperInvariant()}' returning order_id),
        locked as (
            select i.sku, i.fulfillment_center from {InventoryTable.Name} i
            join {Lines} l on l.sku = i.sku and l.fulfillment_center = i.fulfillment_center
            join moved on moved.order_id = l.order_id
            order by i.sku, i.fulfillment_center for update of i)
        update {InventoryTable.Name} i set {change}
        from {Lines} l join locked k on k.sku = l.sku and k.fulfillment_center = l.fulfillment_center
        where l.order_id = $1 and i.sku = l.sku and i.fulfillment_center = l.fulfillment_center
        """;

    /// <summary>
    /// Runs <paramref name="moves"/> (statements of <c>$1</c>, the order id) that move the order's
    /// reservation to <paramref name="target"/>, in one batch and so one transaction, then reads
    /// the reservation as it now stands and refreshes search's in-stock flag of the products
    /// whose rows it gave units back to.
    /// </summary>
    private async Task<ReservationResult> MoveAsync(string orderId, ReservationStatus target, CancellationToken cancellationToken, params string[] moves)
    {
        // No reservation has a longer id, and a tombstone of one would be stored for nothing (or
        // refused by the index as too large: an internal error).
        if (string.IsNullOrEmpty(orderId) || orderId.Length > 100)
            return ReservationResult.Failed(new UserError(CatalogErrors.InvalidInput, "'orderId' must be 1 to 100 characters.", ["input", "orderId"]));
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection);
        foreach (var move in moves)
            batch.BatchCommands.Add(Positional.Statement(move, orderId));
        batch.BatchCommands.Add(Positional.Statement(LoadSql, orderId));
        // After the load, whose rows are the answer: this one's is the function's void.
        batch.BatchCommands.Add(Positional.Statement(RefreshInStockSql, orderId));
        Reservation? reservation;
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
            (reservation, _) = await ReadAsync(reader, orderId, cancellationToken);
        return Outcome(reservation, target, ["input", "orderId"]);
    }

    /// <summary>The answer to a release, commit or restock that left the reservation as <paramref name="reservation"/>; errors point at <paramref name="field"/>.</summary>
    private static ReservationResult Outcome(Reservation? reservation, ReservationStatus target, IReadOnlyList<string> field) => reservation switch
    {
        null => ReservationResult.Failed(new UserError(ReservationNotFound, "This order has no reservation.", [.. field])),
        { Status: var status } when status == target => new ReservationResult(reservation, []),
        // Its units are back on hand: as released, for a release sent again after the restock.
        { Status: ReservationStatus.Restocked } when target == ReservationStatus.Released => new ReservationResult(reservation, []),
        { Status: ReservationStatus.Reserved } => ReservationResult.Failed(new UserError(ReservationNotCommitted, "This order's stock is held, not committed: release it instead.", [.. field])),
        { Status: ReservationStatus.Committed } => ReservationResult.Failed(new UserError(ReservationCommitted, "This order's stock has shipped; it cannot be released.", [.. field])),
        _ => ReservationResult.Failed(new UserError(ReservationReleased, "This order's stock was released; it cannot be committed.", [.. field])),
    };

    public async Task<Reservation?> FindAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await LoadAsync(connection, orderId, cancellationToken)).Reservation;
    }

    /// <summary>
    /// One center for the whole order when one has everything (fewest shipments; preferred
    /// centers first, then the best stocked), else each line from the centers in that order.
    /// </summary>
    private static List<ReservedUnits> Allocate(IReadOnlyList<ReservationLine> lines, Dictionary<(string Sku, string Center), int> available,
        IReadOnlyList<string> preferredCenters, out List<(int Index, string Sku, int Wanted, int Available)> shortages)
    {
        // Each center once: a center named twice was counted twice and allocated from twice.
        var centers = preferredCenters.Distinct()
            .Concat(FulfillmentCenters.All.Except(preferredCenters)
                .OrderByDescending(c => lines.Sum(l => (long)available.GetValueOrDefault((l.Sku, c))))
                .ThenBy(c => c, StringComparer.Ordinal))
            .ToList();
        shortages = [];
        var single = centers.FirstOrDefault(c => lines.All(l => available.GetValueOrDefault((l.Sku, c)) >= l.Quantity));
        if (single is not null)
            return [.. lines.Select(l => new ReservedUnits(l.Sku, single, l.Quantity))];

        var allocation = new List<ReservedUnits>();
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            var total = (int)Math.Min(int.MaxValue, centers.Sum(c => (long)Math.Max(0, available.GetValueOrDefault((line.Sku, c)))));
            if (total < line.Quantity)
            {
                shortages.Add((i, line.Sku, line.Quantity, total));
                continue;
            }
            var left = line.Quantity;
            foreach (var center in centers)
            {
                var take = Math.Min(left, Math.Max(0, available.GetValueOrDefault((line.Sku, center))));
                if (take == 0)
                    continue;
                allocation.Add(new ReservedUnits(line.Sku, center, take));
                left -= take;
                if (left == 0)
                    break;
            }
        }
        return allocation;
    }

    /// <summary>
    /// The variants' terms (<see cref="TermsSql"/>'s rows) and then the units available per SKU
    /// and center (rows of SKU, center, on hand minus reserved): a reserve's first two result sets.
    /// </summary>
    private static async Task<(Dictionary<string, SaleTerms> Terms, Dictionary<(string Sku, string Center), int> Available)> ReadTermsAndStockAsync(
        NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var terms = new Dictionary<string, SaleTerms>(StringComparer.Ordinal);
        var available = new Dictionary<(string Sku, string Center), int>();
        while (await reader.ReadAsync(cancellationToken))
            terms[reader.GetString(0)] = new SaleTerms(reader.GetDecimal(1), reader.GetString(2), reader.GetInt32(3));
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            available[(reader.GetString(0), reader.GetString(1))] = reader.GetInt32(2);
        return (terms, available);
    }

    /// <summary>The sale terms of the variants <c>$1</c> (SKUs): id, price, currency, weight.</summary>
    private static readonly string TermsSql = $"""
        select id, (data ->> 'Price')::numeric, data ->> 'CurrencyCode', coalesce((data ->> 'WeightGrams')::int, {Data.ProductVariant.DefaultWeightGrams})
        from {Data.CatalogStore.VariantsTable} where id = any($1)
        """;

    /// <summary>
    /// Sets search's in-stock flag of the products of an order's lines that it left with no unit
    /// available in some row (<see cref="Search.SearchTables.RefreshInStock"/>); an order that
    /// emptied no row leaves the flags alone, and takes no lock on them.
    /// </summary>
    internal const string MarkSoldOut = CatalogExtensions.ServiceName + ".mark_sold_out";

    private static readonly string LoadSql = $"""
        select o.status, o.lines_hash, l.sku, l.fulfillment_center, l.quantity
        from {Orders} o left join {Lines} l on l.order_id = o.order_id
        where o.order_id = $1 order by l.sku, l.fulfillment_center
        """;

    private static async Task<(Reservation? Reservation, string? Hash)> LoadAsync(NpgsqlConnection connection, string orderId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(LoadSql, connection);
        command.Parameters.AddValues(orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadAsync(reader, orderId, cancellationToken);
    }

    /// <summary>A reservation from the rows of <see cref="LoadSql"/>; null when the order has none.</summary>
    private static async Task<(Reservation? Reservation, string? Hash)> ReadAsync(NpgsqlDataReader reader, string orderId, CancellationToken cancellationToken)
    {
        ReservationStatus? status = null;
        string? hash = null;
        var lines = new List<ReservedUnits>();
        while (await reader.ReadAsync(cancellationToken))
        {
            status = Enum.Parse<ReservationStatus>(reader.GetString(0), ignoreCase: true);
            hash = reader.IsDBNull(1) ? null : reader.GetString(1);
            if (!reader.IsDBNull(2))
                lines.Add(new ReservedUnits(reader.GetString(2), reader.GetString(3), reader.GetInt32(4)));
        }
        return status is { } s ? (new Reservation(orderId, s, lines), hash) : (null, null);
    }

    /// <summary>
    /// Search's in-stock flag of the products of the order (<c>$1</c>) whose release or restock
    /// gave a stock row its first units available (none were before), in the same transaction as
    /// their stock.
    /// </summary>
    private static readonly string RefreshInStockSql = $"""
        select {Search.SearchTables.RefreshInStock}(array(
            select i.product_id from {Lines} l join {InventoryTable.Name} i on i.sku = l.sku and i.fulfillment_center = l.fulfillment_center
            where l.order_id = $1 and i.on_hand - i.reserved between 1 and l.quantity))
        """;

    private static string Index(int i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Ends the transaction a reserve began: <paramref name="end"/> is <c>commit</c> or <c>rollback</c>.</summary>
    private static async Task EndAsync(NpgsqlConnection connection, string end, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(end, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The lines in a canonical order, hashed: what makes a repeated reserve "the same".</summary>
    private static string Hash(IReadOnlyList<ReservationLine> lines) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
            string.Join('\n', lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => $"{l.Sku}\t{l.Quantity}")))));

    /// <summary>Input problems, before any store is touched.</summary>
    public static List<UserError> Validate(string orderId, IReadOnlyList<ReservationLine> lines, IReadOnlyList<string> preferredCenters)
    {
        var errors = new List<UserError>();
        if (string.IsNullOrWhiteSpace(orderId) || orderId.Length > 100)
            errors.Add(new(CatalogErrors.InvalidInput, "'orderId' must be 1 to 100 characters.", ["input", "orderId"]));
        if (lines.Count is 0 or > MaxLines)
            errors.Add(new(CatalogErrors.InvalidInput, $"An order reserves 1 to {MaxLines} lines.", ["input", "lines"]));
        // Lines past the limit are not looked at one by one: the list is refused whole.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < Math.Min(lines.Count, MaxLines); i++)
        {
            var index = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (lines[i].Quantity is < 1 or > MaxQuantity)
                errors.Add(new(CatalogErrors.InvalidInput, $"'quantity' must be 1 to {MaxQuantity}.", ["input", "lines", index, "quantity"]));
            if (!seen.Add(lines[i].Sku))
                errors.Add(new(CatalogErrors.InvalidInput, $"'{lines[i].Sku}' appears twice; add up its quantities.", ["input", "lines", index, "sku"]));
        }
        foreach (var center in preferredCenters.Where(c => !FulfillmentCenters.Exists(c)))
            errors.Add(new(CatalogErrors.UnknownFulfillmentCenter, $"Fulfillment centers are {string.Join(", ", FulfillmentCenters.All)}; '{center}' is not one.", ["input", "preferredCenters"]));
        return errors;
    }
}
