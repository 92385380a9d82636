using System.Text.Json;
using Federated.Kit.Hosting;
using Federated.Orders.Data;
using Federated.Orders.Payments;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Federated.Orders.Orders;

/// <summary>
/// The two writes every placement makes, as statements of its own rather than EF Core saves:
/// they run for every order, and EF Core's change tracking and SQL generation were about a
/// fifth of the service's time under checkout load. The columns are <see cref="OrdersDbContext"/>'s;
/// every other change of an order goes through EF Core, which reads what these write.
/// </summary>
public sealed class PlacementWrites(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Records a new order (its row, lines, payment and the code's use) and reads the customer's
    /// recent orders for the fraud rules, in one round trip: PostgreSQL runs a batch as one
    /// implicit transaction, so a unique violation (the same key again, a number drawn twice, a
    /// code's use taken) leaves nothing behind. Sets the order's row version.
    /// </summary>
    public async Task<FraudVelocity> InsertAsync(Order order, DiscountRedemption? use, NpgsqlBatchCommand velocityQuery, CancellationToken cancellationToken)
    {
        // Opened first: a connection that cannot be had (the database unreachable, the pool
        // exhausted) sent nothing, and is thrown as it is; only one that breaks once the batch
        // is sent may have lost the answer to a commit (AnswerLostException).
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            return await InsertAsync(connection, order, use, velocityQuery, cancellationToken);
        }
        catch (NpgsqlException lost) when (lost is not PostgresException)
        {
            throw new AnswerLostException(lost);
        }
    }

    private static async Task<FraudVelocity> InsertAsync(NpgsqlConnection connection, Order order, DiscountRedemption? use, NpgsqlBatchCommand velocityQuery, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(InsertOrder(order));
        batch.BatchCommands.Add(InsertLines(order));
        batch.BatchCommands.Add(InsertPayment(order.Payment!));
        if (use is not null)
            batch.BatchCommands.Add(Positional.Statement(
                """insert into orders.discount_redemptions ("Code", "OrderId", "UserId", "CreatedAt", "Slot") values ($1, $2, $3, $4, $5)""",
                use.Code, use.OrderId, use.UserId, use.CreatedAt, new NpgsqlParameter { Value = (object?)use.Slot ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer }));
        batch.BatchCommands.Add(velocityQuery);

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        order.Version = reader.GetFieldValue<uint>(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Velocity(reader);
    }

    /// <summary>The customer's recent orders as <see cref="FraudRules.VelocityQuery"/> reads them.</summary>
    private static FraudVelocity Velocity(NpgsqlDataReader reader) =>
        new(reader.GetInt32(0), reader.GetInt32(1)) { RecentlyStanding = reader.GetFieldValue<string[]>(2) };

    private readonly StatementGroup<Order, uint?> _accepts = new(orders => AcceptAllAsync(dataSource, orders));

    /// <summary>
    /// The order stands: its new status, hold reason and allocation, and its payment's outcome,
    /// under the order's row version, so a change made meanwhile (a sweep that took the order for
    /// interrupted) wins and nothing here is written. Orders accepted together are written in one
    /// statement and committed once (<see cref="StatementGroup{TRequest, TResult}"/>); a statement
    /// that fails fails for each of them, as its own would, and each reads back where it stands.
    /// </summary>
    public async Task AcceptAsync(Order order, CancellationToken cancellationToken)
    {
        order.Version = await _accepts.RunAsync(order, cancellationToken)
            ?? throw new DbUpdateConcurrencyException($"Order {order.Id} changed while it was being placed.");
    }

    /// <summary>Accepts every order of <paramref name="orders"/> that is as it was recorded; each one's new row version, null for one that changed.</summary>
    private static async Task<IReadOnlyList<uint?>> AcceptAllAsync(NpgsqlDataSource dataSource, IReadOnlyList<Order> orders)
    {
        await using var command = dataSource.CreateCommand(
            """
            with accepted as (
                update orders.orders o set "Status" = a.status, "HoldReason" = a.hold_reason, "Allocation" = a.allocation, "UpdatedAt" = a.updated_at
                from unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::timestamptz[], $6::xid[])
                    as a(id, status, hold_reason, allocation, updated_at, version)
                where o."Id" = a.id and o.xmin = a.version
                returning o."Id", o.xmin),
            paid as (
                update orders.payments p set "Status" = a.status, "ProviderReference" = a.reference, "ChallengeId" = a.challenge_id,
                    "DeclineReason" = a.decline_reason, "UpdatedAt" = a.updated_at
                from unnest($1::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[])
                    as a(id, status, reference, challenge_id, decline_reason, updated_at)
                join accepted on accepted."Id" = a.id
                where p."OrderId" = a.id)
            select "Id", xmin from accepted
            """);
        command.Parameters.AddValues(
            orders.Select(o => o.Id).ToArray(), orders.Select(o => o.Status.ToString()).ToArray(), orders.Select(o => o.HoldReason).ToArray(),
            new NpgsqlParameter { Value = orders.Select(o => JsonSerializer.Serialize(o.Allocation)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Jsonb },
            orders.Select(o => o.UpdatedAt).ToArray(),
            new NpgsqlParameter { Value = orders.Select(o => o.Version).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Xid },
            orders.Select(o => o.Payment!.Status.ToString()).ToArray(), orders.Select(o => o.Payment!.ProviderReference).ToArray(),
            orders.Select(o => o.Payment!.ChallengeId).ToArray(), orders.Select(o => o.Payment!.DeclineReason).ToArray(),
            orders.Select(o => o.Payment!.UpdatedAt).ToArray());
        var accepted = new Dictionary<string, uint>(orders.Count);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
                accepted[reader.GetString(0)] = reader.GetFieldValue<uint>(1);
        }
        return [.. orders.Select(o => accepted.TryGetValue(o.Id, out var version) ? version : (uint?)null)];
    }

    /// <summary>
    /// Whether the order was recorded, read on a connection of its own after an insert whose
    /// answer was lost (the batch may have been committed): if so, its row version is set and
    /// the customer's recent orders are read for the fraud rules, as the insert would have read
    /// them; null when nothing was recorded.
    /// </summary>
    public async Task<FraudVelocity?> RecordedAsync(Order order, NpgsqlBatchCommand velocityQuery, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(Positional.Statement("""select xmin from orders.orders where "Id" = $1 and "Status" = 'Pending'""", order.Id));
        batch.BatchCommands.Add(velocityQuery);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return null;
        order.Version = reader.GetFieldValue<uint>(0);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return Velocity(reader);
    }

    /// <summary>The connection broke after a write was sent: it may have been committed, its answer lost.</summary>
    public sealed class AnswerLostException(NpgsqlException lost) : Exception("The answer to a write was lost.", lost)
    {
        public NpgsqlException Lost { get; } = lost;
    }

    /// <summary>What became of a recorded order, read after an accept whose answer was lost.</summary>
    public enum Standing { Pending, Accepted, Refused }

    /// <summary>
    /// Where a recorded order stands, on a connection of its own: still Pending (the accept was
    /// not committed), accepted (moved on from Pending by the accept; its row version is set), or
    /// refused meanwhile (the sweep took it for interrupted).
    /// </summary>
    public async Task<Standing> StandingAsync(Order order, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""select "Status", xmin from orders.orders where "Id" = $1""");
        command.Parameters.AddValues(order.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            throw new InvalidOperationException($"Order {order.Id} was recorded but is not found.");
        var status = Enum.Parse<OrderStatus>(reader.GetString(0));
        if (status == OrderStatus.Pending)
            return Standing.Pending;
        if (status == OrderStatus.Failed)
            return Standing.Refused;
        order.Version = reader.GetFieldValue<uint>(1);
        return Standing.Accepted;
    }

    private static NpgsqlBatchCommand InsertOrder(Order o)
    {
        var a = o.ShippingAddress;
        return Positional.Statement(
            """
            insert into orders.orders ("Id", "Number", "UserId", "IdempotencyKey", "RequestHash", "Status", "CurrencyCode",
                "Subtotal", "Discount", "Shipping", "Tax", "Total", "DiscountCode", "ShippingRateId", "Carrier", "ShippingService",
                "ShippingAddress_Name", "ShippingAddress_Line1", "ShippingAddress_Line2", "ShippingAddress_City", "ShippingAddress_Region",
                "ShippingAddress_PostalCode", "ShippingAddress_Country", "HoldReason", "PlacedAt", "UpdatedAt", "Allocation")
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27)
            returning xmin
            """,
            o.Id, o.Number, o.UserId, o.IdempotencyKey, o.RequestHash, o.Status.ToString(), o.CurrencyCode,
            o.Subtotal, o.Discount, o.Shipping, o.Tax, o.Total, Positional.Text(o.DiscountCode), o.ShippingRateId, o.Carrier, o.ShippingService,
            a.Name, a.Line1, Positional.Text(a.Line2), a.City, Positional.Text(a.Region), a.PostalCode, a.Country, Positional.Text(o.HoldReason), o.PlacedAt, o.UpdatedAt, Allocation(o.Allocation));
    }

    /// <summary>All the lines in one statement, whatever their number (at most the cart's).</summary>
    private static NpgsqlBatchCommand InsertLines(Order o) => Positional.Statement(
        """
        insert into orders.order_lines ("OrderId", "Position", "Sku", "ProductId", "Title", "Quantity", "UnitPrice", "Total", "CurrencyCode")
        select $1, * from unnest($2::integer[], $3::text[], $4::text[], $5::text[], $6::integer[], $7::numeric[], $8::numeric[], $9::text[])
        """,
        o.Id, o.Lines.Select(l => l.Position).ToArray(), o.Lines.Select(l => l.Sku).ToArray(), o.Lines.Select(l => l.ProductId).ToArray(),
        o.Lines.Select(l => l.Title).ToArray(), o.Lines.Select(l => l.Quantity).ToArray(), o.Lines.Select(l => l.UnitPrice).ToArray(),
        o.Lines.Select(l => l.Total).ToArray(), o.Lines.Select(l => l.CurrencyCode).ToArray());

    private static NpgsqlBatchCommand InsertPayment(Payment p) => Positional.Statement(
        """
        insert into orders.payments ("OrderId", "Provider", "CardToken", "Status", "Amount", "CurrencyCode", "UpdatedAt")
        values ($1, $2, $3, $4, $5, $6, $7)
        """,
        p.OrderId, p.Provider, p.CardToken, p.Status.ToString(), p.Amount, p.CurrencyCode, p.UpdatedAt);

    /// <summary>The allocation as EF Core keeps it: a JSON array of (SKU, center, quantity).</summary>
    private static NpgsqlParameter Allocation(List<HeldUnits> held) =>
        new() { Value = JsonSerializer.Serialize(held), NpgsqlDbType = NpgsqlDbType.Jsonb };
}
