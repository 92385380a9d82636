using System.Buffers;
using System.Text.Json;
using Federated.Kit.Errors;
using Federated.Kit.Hosting;
using Federated.Orders.Data;
using Federated.Orders.Fulfillment;
using Federated.Orders.Messaging;
using Federated.Orders.Orders;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Wolverine.Attributes;

namespace Federated.Orders.Payments;

/// <summary>
/// The store's side of the provider's webhooks. <c>POST /webhooks/payments</c> checks the
/// signature, brings the order in line with the payment and keeps the event by its id, in one
/// transaction, and only then answers 2xx: an accepted event has been applied, a refused one
/// (503: the order changed meanwhile, or a store was unreachable) is sent again by the
/// provider, and a repeat answers 200 and changes nothing. Reconciling does not trust the
/// event's order or content: it asks the provider where the payment stands now, so repeats
/// and late arrivals are harmless. An event confirming what the store already recorded (the
/// authorization, the capture) is answered after one read, with nothing written or asked: it
/// changes nothing, whether a first copy or a repeat, and a later change has its own event.
/// </summary>
public static class PaymentWebhooks
{
    private const int MaxBody = 64 * 1024;

    public static void MapPaymentWebhooks(this WebApplication app)
    {
        app.MapPost("/webhooks/payments", async (HttpContext http, IConfiguration configuration, NpgsqlDataSource dataSource, IDbContextFactory<OrdersDbContext> factory,
            IPaymentProvider provider, OrderPlacement placement, OrderSettlement settlement, FaultInjection faults, TimeProvider time, ILogger<ReconcilePayment> logger) =>
        {
            if (WebhookSignature.Secret(configuration) is not { } secret)
                return Results.NotFound();
            if (http.Request.ContentLength > MaxBody)
                return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
            // Read no further than the limit: a body sent without its length (chunked) is not
            // taken into memory whole before it is refused.
            var buffer = ArrayPool<char>.Shared.Rent(MaxBody + 1);
            string body;
            try
            {
                using var reader = new StreamReader(http.Request.Body);
                var read = await reader.ReadBlockAsync(buffer.AsMemory(0, MaxBody + 1), http.RequestAborted);
                if (read > MaxBody)
                    return Results.StatusCode(StatusCodes.Status413PayloadTooLarge);
                body = new string(buffer, 0, read);
            }
            finally
            {
                ArrayPool<char>.Shared.Return(buffer);
            }
            if (!WebhookSignature.Verify(secret, http.Request.Headers[WebhookSignature.Header], body, time.GetUtcNow()))
                return Results.Json(new { error = "invalid signature" }, statusCode: StatusCodes.Status401Unauthorized);
            if (Parse(body) is not { } notice)
                return Results.BadRequest(new { error = "not a payment event" });

            // Applied to its end once received: the provider leaving early must not leave half of it.
            var cancellationToken = CancellationToken.None;
            try
            {
                if (await ConfirmsWhatIsRecordedAsync(dataSource, notice, cancellationToken))
                    return Results.Ok(new { received = notice.EventId, repeated = false });
            }
            catch (Exception ex) when (ErrorCodes.IsStoreUnavailable(ex))
            {
                return NotAppliedNow(logger, notice, ex);
            }
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            // The order and whether the event was seen, in one query. Most repeats are seen here;
            // two copies arriving at once meet at the primary key below.
            Order? order;
            try
            {
                var found = await db.Orders.Where(o => o.Id == notice.OrderId)
                    .Select(o => new { Order = o, o.Payment, Seen = db.PaymentEvents.Any(e => e.EventId == notice.EventId) })
                    .SingleOrDefaultAsync(cancellationToken);
                if (found?.Seen == true || (found is null && await db.PaymentEvents.AnyAsync(e => e.EventId == notice.EventId, cancellationToken)))
                    return Results.Ok(new { received = notice.EventId, repeated = true });
                order = found?.Order;
            }
            catch (Exception ex) when (ErrorCodes.IsStoreUnavailable(ex))
            {
                // Before, a database out of reach here answered 500 instead of "send again".
                return NotAppliedNow(logger, notice, ex);
            }
            var now = time.GetUtcNow();
            db.PaymentEvents.Add(new PaymentEvent
            {
                EventId = notice.EventId, OrderId = notice.OrderId, Type = notice.Type, Sequence = notice.Sequence, ReceivedAt = now, ProcessedAt = now,
            });
            try
            {
                // Saves the event with whatever the order needed (a step that sends a message saves both through the outbox).
                await ReconcilePaymentHandler.ReconcileAsync(db, notice.OrderId, order, provider, placement, settlement, time, logger, cancellationToken,
                    order is not null ? () => faults.PauseAfterAsync(FaultInjection.AfterRetrieve, [order.UserId]) : null);
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
            {
                return Results.Ok(new { received = notice.EventId, repeated = true });
            }
            catch (Exception ex) when (ex is DbUpdateConcurrencyException or NpgsqlException or HttpRequestException or InvalidOperationException)
            {
                // The order changed under us (another event of the same payment) or a store did not answer: not taken, sent again.
                return NotAppliedNow(logger, notice, ex);
            }
            return Results.Ok(new { received = notice.EventId, repeated = false });
        });
    }

    private static IResult NotAppliedNow(ILogger logger, Notice notice, Exception ex)
    {
        logger.LogInformation("Payment event {EventId} for order {OrderId} not applied now ({Reason}); the provider sends it again",
            notice.EventId, notice.OrderId, ex.GetType().Name);
        return Results.Json(new { error = "not applied; send again" }, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    /// <summary>
    /// Whether the event only says what the store has already recorded for a live order (the
    /// authorization placeOrder saved, or the capture a fulfillment wave made): one read, no
    /// write, so the provider's two copies of each of an order's two events cost the database
    /// no commit. Such an event is not kept: it changes nothing, and any later change of the
    /// payment comes with its own event, looked up in full. False takes the full path.
    /// </summary>
    private static async Task<bool> ConfirmsWhatIsRecordedAsync(NpgsqlDataSource dataSource, Notice notice, CancellationToken cancellationToken)
    {
        if (notice.Type is not ("payment.authorized" or "payment.captured"))
            return false;
        await using var command = dataSource.CreateCommand(ConfirmsSql);
        command.Parameters.AddValues(notice.OrderId, notice.Type == "payment.captured", ReconcilePaymentHandler.LiveNames);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    private const string ConfirmsSql = """
        select exists (
            select from orders.orders o join orders.payments p on p."OrderId" = o."Id"
            where o."Id" = $1
              and o."Status" = any($3)
              and (p."Status" = 'Captured' or not $2 and p."Status" = 'Authorized'))
        """;

    private sealed record Notice(string EventId, string Type, long Sequence, string OrderId);

    private static Notice? Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && Text(root, "id") is { } eventId && Text(root, "type") is { } eventType
                && root.TryGetProperty("sequence", out var sequence) && sequence.ValueKind == JsonValueKind.Number && sequence.TryGetInt64(out var number)
                && root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object && Text(data, "idempotencyKey") is { } orderId
                ? new Notice(eventId, eventType, number, orderId)
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 and <= 64 } text ? text : null;
}

/// <summary>
/// Bring an order in line with where its payment stands at the provider. Webhooks are now
/// applied in their request; the message is still handled for those an earlier version stored.
/// </summary>
public sealed record ReconcilePayment(string OrderId, string EventId);

public static class ReconcilePaymentHandler
{
    /// <summary>Orders that stand (paid, held, in fulfillment or delivered).</summary>
    private static readonly OrderStatus[] Live =
        [OrderStatus.OnHold, OrderStatus.Paid, OrderStatus.Fulfilling, OrderStatus.Shipped, OrderStatus.Delivered];

    /// <summary><see cref="Live"/> as the orders table stores them.</summary>
    internal static readonly string[] LiveNames = [.. Live.Select(s => s.ToString())];

    [NonTransactional]
    public static async Task HandleAsync(ReconcilePayment message, IDbContextFactory<OrdersDbContext> factory, IPaymentProvider provider,
        OrderPlacement placement, OrderSettlement settlement, TimeProvider time, ILogger<ReconcilePayment> logger, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.Include(o => o.Payment).SingleOrDefaultAsync(o => o.Id == message.OrderId, cancellationToken);
        await ReconcileAsync(db, message.OrderId, order, provider, placement, settlement, time, logger, cancellationToken);
        if (await db.PaymentEvents.FindAsync([message.EventId], cancellationToken) is { } received)
            received.ProcessedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Applies the provider's view of the order's payment to <paramref name="order"/> (with its
    /// payment, tracked by <paramref name="db"/>; null when there is no such order); steps that
    /// send a message save on their own, the rest is left for the caller to save. The payment is
    /// all reconciling reads or changes, so the caller loads only the order and its payment.
    /// </summary>
    public static async Task ReconcileAsync(OrdersDbContext db, string orderId, Order? order, IPaymentProvider provider, OrderPlacement placement,
        OrderSettlement settlement, TimeProvider time, ILogger logger, CancellationToken cancellationToken, Func<Task>? afterRetrieve = null)
    {
        var state = await provider.RetrieveAsync(orderId, cancellationToken);
        if (afterRetrieve is not null)
            await afterRetrieve();
        if (order?.Payment is not { } payment || state is null)
            return;
        switch (order.Status, state.Outcome)
        {
            // The shopper answered the challenge on the provider's page: paid (or on hold), or refused and released.
            case (OrderStatus.PaymentActionRequired, ProviderOutcome.Authorized or ProviderOutcome.Declined):
                await placement.ApplyAuthorizationAsync(db, order, state, cancellationToken);
                break;
            // Money the provider holds for an order the store refused or cancelled goes back.
            case (OrderStatus.Failed or OrderStatus.Cancelled, ProviderOutcome.Authorized or ProviderOutcome.Captured or ProviderOutcome.ChallengeRequired):
                await settlement.VoidAsync(order, cancellationToken);
                break;
            case (_, ProviderOutcome.Captured) when payment.Status == PaymentStatus.Authorized:
                payment.Status = PaymentStatus.Captured;
                // Part of it given back on the dashboard already: recorded with the capture (as below).
                payment.Refunded = Math.Max(payment.Refunded, state.Refunded);
                payment.UpdatedAt = time.GetUtcNow();
                // Saved under the order's row version: a cancel committed since the order was
                // read (its money given back, the payment recorded refunded) refuses this save,
                // and the event, sent again, finds the order cancelled. Saved alone, the payment
                // was set back to captured on a cancelled, refunded order.
                order.UpdatedAt = payment.UpdatedAt;
                await HoldIfNotShippedAsync(db, order, payment, cancellationToken);
                break;
            // The store's own refund waiting for its answer: its completion records what the
            // provider did, and the event, sent again, is applied after it.
            case (OrderStatus.Delivered, ProviderOutcome.Refunded or ProviderOutcome.Captured) when state.Refunded > payment.Refunded
                && await db.Refunds.AnyAsync(r => r.OrderId == order.Id && r.Status == RefundStatus.Pending, cancellationToken):
                throw new InvalidOperationException("A refund of the order is waiting for the provider's answer.");
            // Part of the money given back on the provider's dashboard: recorded, and the store's
            // refunds stop there (refundOrder refuses), as they cannot tell which units it was for.
            case (_, ProviderOutcome.Captured) when state.Refunded > payment.Refunded:
                payment.Refunded = state.Refunded;
                payment.UpdatedAt = time.GetUtcNow();
                // The order's row version moves with it, so a refundOrder that read the payment
                // before this is refused its save and reads it again (its check then refuses).
                order.UpdatedAt = payment.UpdatedAt;
                await HoldIfNotShippedAsync(db, order, payment, cancellationToken);
                logger.LogWarning("{Refunded} of the payment of order {OrderId} ({Status}) was given back at the provider", state.Refunded, order.Id, order.Status);
                break;
            case (_, ProviderOutcome.Voided or ProviderOutcome.Refunded) when Live.Contains(order.Status)
                && payment.Status is PaymentStatus.Authorized or PaymentStatus.Captured:
                // Given back at the provider (a dispute, a refund from its dashboard): recorded, and worth a
                // look. An order not yet shipped is held for review: nothing ships without the money.
                payment.Status = state.Outcome == ProviderOutcome.Refunded ? PaymentStatus.Refunded : PaymentStatus.Voided;
                payment.Refunded = Math.Max(payment.Refunded, state.Refunded);
                payment.UpdatedAt = time.GetUtcNow();
                await HoldIfNotShippedAsync(db, order, payment, cancellationToken);
                logger.LogWarning("The payment of order {OrderId} ({Status}) was {Outcome} at the provider", order.Id, order.Status, state.Outcome);
                break;
        }
    }

    /// <summary>
    /// Holds an order not yet shipped whose money was given back at the provider, whole or in
    /// part (a dispute, a refund from its dashboard), for review: nothing ships without the money.
    /// One already on hold (a fraud rule, its stock) is held for this reason now, under its row
    /// version: before, it kept the old reason, which the reviewer then decided on (found by a
    /// review). One held after its parcels left (a delivery that failed or was not recorded)
    /// keeps its reason: it has shipped.
    /// </summary>
    private static async Task HoldIfNotShippedAsync(OrdersDbContext db, Order order, Payment payment, CancellationToken cancellationToken)
    {
        if (!FulfillmentProcess.MoneyNotHeld(payment) || order.Status is not (OrderStatus.Paid or OrderStatus.Fulfilling or OrderStatus.OnHold))
            return;
        if (order.Status == OrderStatus.OnHold && await db.Set<Shipment>()
                .AnyAsync(s => s.OrderId == order.Id && (s.Status == ShipmentStatus.InTransit || s.Status == ShipmentStatus.Delivered), cancellationToken))
            return;
        order.Status = OrderStatus.OnHold;
        order.HoldReason = FulfillmentProcess.PaymentGivenBack(payment);
        order.Review = null;
        order.UpdatedAt = payment.UpdatedAt;
    }
}
