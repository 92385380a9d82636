using System.Security.Cryptography;
using System.Text;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Kit.Types;
using Federated.Orders.Carts;
using Federated.Orders.Checkout;
using Federated.Orders.Data;
using Federated.Orders.Messaging;
using Federated.Orders.Payments;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Wolverine.Attributes;

namespace Federated.Orders.Orders;

/// <summary>A refund's parts; <see cref="Amount"/> is what goes back to the card.</summary>
public readonly record struct RefundAmounts(decimal Subtotal, decimal Discount, decimal Shipping, decimal Tax)
{
    public decimal Amount => Subtotal - Discount + Shipping + Tax;

    public RefundAmounts Minus(RefundAmounts other) =>
        new(Subtotal - other.Subtotal, Discount - other.Discount, Shipping - other.Shipping, Tax - other.Tax);
}

/// <summary>
/// What units of an order are worth when given back, to the cent. Any set of units is worth
/// its goods, less the discount in proportion to their share of the subtotal, plus the tax in
/// proportion to their share of what was taxed, each rounded half away from zero; all of the
/// order's units are worth exactly its subtotal, discount, shipping and tax. A refund is the
/// worth of everything given back with it less the worth of everything given back before, so
/// however an order is refunded, in one refund or unit by unit, its refunds add up to its total
/// and no rounding is paid twice or lost.
/// </summary>
public static class RefundMath
{
    public static RefundAmounts Worth(Order order, IReadOnlyDictionary<string, int> units)
    {
        if (order.Lines.All(l => units.GetValueOrDefault(l.Sku) >= l.Quantity))
            return new RefundAmounts(order.Subtotal, order.Discount, order.Shipping, order.Tax);
        var goods = order.Lines.Sum(l => l.UnitPrice * Math.Min(units.GetValueOrDefault(l.Sku), l.Quantity));
        var discount = order.Subtotal == 0m ? 0m : Money.Cents(order.Discount * goods / order.Subtotal);
        // Where shipping was taxed (VAT), part of the tax is shipping's, and goes back with the shipping.
        var taxesShipping = Taxes.RateFor(Destination.Of(order.ShippingAddress.Country, order.ShippingAddress.Region))?.TaxesShipping ?? false;
        var taxed = order.Subtotal - order.Discount + (taxesShipping ? order.Shipping : 0m);
        var tax = taxed == 0m ? 0m : Money.Cents(order.Tax * (goods - discount) / taxed);
        return new RefundAmounts(goods, discount, 0m, tax);
    }

    /// <summary>Units of each SKU given back by the order's refunds that count (pending or succeeded).</summary>
    public static Dictionary<string, int> Given(Order order) =>
        order.Refunds.Where(r => r.Counts).SelectMany(r => r.Units)
            .GroupBy(u => u.Sku).ToDictionary(g => g.Key, g => g.Sum(u => u.Quantity));
}

/// <summary>
/// Asks the provider for a refund the store has recorded and records its answer. Runs inline
/// for the administrator who asked, and always as the durable <see cref="IssueRefund"/> message
/// written with the refund, which retries until the provider answers; the provider refunds a
/// key once, so the two meeting refund once.
/// </summary>
public sealed class RefundIssuer(IPaymentProvider provider, TimeProvider time, FaultInjection faults)
{
    /// <summary>The provider's words kept (reference, decline reason): as long as their columns.</summary>
    private const int MaxProviderText = 64;

    /// <summary>Completes <paramref name="refund"/> if it is pending; the caller saves (under the order's row version).</summary>
    public async Task CompleteAsync(Order order, Refund refund, CancellationToken cancellationToken)
    {
        if (refund.Status != RefundStatus.Pending)
            return;
        await faults.PauseAfterAsync(FaultInjection.AfterRefundRecorded, [order.UserId]);
        var answer = refund.Amount == 0m
            ? new RefundResult(true, null) // a fully discounted unit: nothing to give back, nothing to ask
            : await provider.RefundAsync(order.Id, refund.Id, refund.Amount, cancellationToken);
        var now = time.GetUtcNow();
        refund.CompletedAt = now;
        order.UpdatedAt = now;
        if (!answer.Succeeded)
        {
            refund.Status = RefundStatus.Failed;
            refund.FailureReason = Clamp(answer.DeclineReason ?? "refused");
            return;
        }
        refund.Status = RefundStatus.Succeeded;
        refund.ProviderReference = answer.Reference is null ? null : Clamp(answer.Reference);
        var payment = order.Payment!;
        payment.Refunded += refund.Amount;
        payment.UpdatedAt = now;
        if (payment.Refunded >= payment.Amount)
            payment.Status = PaymentStatus.Refunded;
        if (order.Refunds.All(r => r.Status == RefundStatus.Succeeded || !r.Counts) && RefundOperations.Left(order).Count == 0)
            order.Status = OrderStatus.Refunded;
    }

    private static string Clamp(string text) => text.Length <= MaxProviderText ? text : text[..MaxProviderText];
}

public sealed record RefundLineInput(string Sku, int Quantity);

public sealed record RefundOrderInput(string OrderId, string IdempotencyKey, List<RefundLineInput>? Lines, string Reason);

/// <summary>
/// <c>refundOrder</c>, for administrators: money back for units of a delivered order (a return
/// received, a damaged item). The refund is recorded with the order and a durable message in
/// one transaction, under the order's row version (two refunds at once cannot give back the
/// same unit twice), then asked of the provider. Money only: returned goods go back to stock
/// through the catalog's <c>adjustStock</c> once a fulfillment center has checked them.
/// </summary>
public static class RefundOperations
{
    public const string NotRefundable = "REFUND_NOT_AVAILABLE";
    public const string LineNotFound = "ORDER_LINE_NOT_FOUND";
    public const string QuantityExceeded = "REFUND_QUANTITY_EXCEEDED";
    public const string InProgress = "REFUND_IN_PROGRESS";
    private const string KeyIndex = "IX_refunds_OrderId_IdempotencyKey";
    private const int MaxAttempts = 5;

    public static void AddMutationsTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<OrderPayloadType>>("refundOrder")
            .Description("Gives money back for units of a delivered order (every unit not yet refunded when lines is left out): their goods less their share of the discount, plus their share of the tax; shipping goes back with the last units. Administrators only; idempotent by idempotencyKey.")
            .Argument<NonNullGraphType<RefundOrderInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireAdmin();
                return await RefundAsync(ctx.RequestServices!, ctx.CurrentUser().Id!, ctx.GetArgument<RefundOrderInput>("input"));
            });

    /// <summary>Units of each of the order's SKUs not yet given back by a refund that counts; SKUs with none left are not listed.</summary>
    public static Dictionary<string, int> Left(Order order)
    {
        var given = RefundMath.Given(order);
        return order.Lines.Select(l => (l.Sku, Left: l.Quantity - given.GetValueOrDefault(l.Sku)))
            .Where(l => l.Left > 0).ToDictionary(l => l.Sku, l => l.Left);
    }

    private static async Task<OrderPayload> RefundAsync(IServiceProvider services, string adminId, RefundOrderInput input)
    {
        if (Invalid(input) is { } invalid)
            return new OrderPayload(null, [invalid]);
        var reason = input.Reason.Trim();
        var requestHash = Hash(input, reason);
        var factory = services.GetRequiredService<IDbContextFactory<OrdersDbContext>>();
        var time = services.GetRequiredService<TimeProvider>();
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(CancellationToken.None);
            var order = await OrderOperations.WithDetails(db.Orders).SingleOrDefaultAsync(o => o.Id == input.OrderId);
            if (order is null)
                return new OrderPayload(null, [new UserError(OrderOperations.OrderNotFound, "There is no such order.", ["input", "orderId"])]);
            if (order.Refunds.SingleOrDefault(r => r.IdempotencyKey == input.IdempotencyKey) is { } earlier)
                return earlier.RequestHash == requestHash
                    ? await CompleteAsync(services, db, order, earlier)
                    : new OrderPayload(null, [new UserError(OrderPlacement.KeyReused, "This idempotency key was used for another refund of this order; use a new key.", ["input", "idempotencyKey"])]);
            if (Refusal(order, input) is { } refusal)
                return new OrderPayload(null, [refusal]);

            var left = Left(order);
            var asked = input.Lines?.ToDictionary(l => l.Sku, l => l.Quantity) ?? left;
            var before = RefundMath.Given(order);
            var after = new Dictionary<string, int>(before);
            foreach (var (sku, quantity) in asked)
                after[sku] = after.GetValueOrDefault(sku) + quantity;
            var amounts = RefundMath.Worth(order, after).Minus(RefundMath.Worth(order, before));
            var now = time.GetUtcNow();
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
            var refund = new Refund
            {
                Id = $"re_{Guid.CreateVersion7(now):N}", OrderId = order.Id, IdempotencyKey = input.IdempotencyKey, RequestHash = requestHash,
                Status = RefundStatus.Pending, Subtotal = amounts.Subtotal, Discount = amounts.Discount, Shipping = amounts.Shipping, Tax = amounts.Tax,
                Amount = amounts.Amount, CurrencyCode = order.CurrencyCode, Reason = reason, RefundedBy = adminId, CreatedAt = now,
                Units = [.. order.Lines.OrderBy(l => l.Position).Where(l => asked.ContainsKey(l.Sku)).Select(l => new RefundedUnits { Sku = l.Sku, Quantity = asked[l.Sku] })],
            };
            order.Refunds.Add(refund);
            order.UpdatedAt = now;
            try
            {
                await services.GetRequiredService<OrderOutbox>().SaveAsync(db, new IssueRefund(order.Id, refund.Id), null, CancellationToken.None);
            }
            catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException
                || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: KeyIndex })
            {
                // Another refund (or this one, sent twice at once) was recorded meanwhile: look again.
                if (attempt == MaxAttempts)
                    return new OrderPayload(null, [new UserError(NotRefundable, "The order kept changing while it was refunded; look at it again.", ["input", "orderId"])]);
                continue;
            }
            return await CompleteAsync(services, db, order, refund);
        }
    }

    /// <summary>
    /// Asks the provider now, so the answer shows the refund done. The order changing meanwhile
    /// (another refund recorded, or this one's message completing it) is looked at again: the
    /// provider answers a refund key as it did the first time. When the provider does not
    /// answer, the order is answered as it stands and the message finishes the refund.
    /// </summary>
    private static async Task<OrderPayload> CompleteAsync(IServiceProvider services, OrdersDbContext db, Order order, Refund refund)
    {
        var factory = services.GetRequiredService<IDbContextFactory<OrdersDbContext>>();
        await using var reloaded = new ContextSlot();
        for (var attempt = 1; refund.Status == RefundStatus.Pending && attempt <= MaxAttempts; attempt++)
        {
            try
            {
                await services.GetRequiredService<RefundIssuer>().CompleteAsync(order, refund, CancellationToken.None);
                await db.SaveChangesAsync(CancellationToken.None);
                break;
            }
            catch (DbUpdateConcurrencyException)
            {
                db = await reloaded.ReplaceAsync(await factory.CreateDbContextAsync(CancellationToken.None));
                order = await OrderOperations.WithDetails(db.Orders).SingleAsync(o => o.Id == order.Id);
                refund = order.Refunds.Single(r => r.Id == refund.Id);
            }
            catch (Exception ex) when (ex is DbUpdateException or NpgsqlException or TimeoutException or PaymentTimeoutException or HttpRequestException)
            {
                services.GetRequiredService<ILogger<RefundIssuer>>().LogWarning(ex, "Refund {RefundId} of order {OrderId} is completed by its message instead", refund.Id, order.Id);
                await using var fresh = await factory.CreateDbContextAsync(CancellationToken.None);
                return new OrderPayload(await OrderOperations.WithDetails(fresh.Orders.AsNoTracking()).SingleAsync(o => o.Id == order.Id), []);
            }
        }
        return new OrderPayload(order, []);
    }

    private static UserError? Invalid(RefundOrderInput input)
    {
        if (string.IsNullOrWhiteSpace(input.IdempotencyKey) || input.IdempotencyKey.Length > 100)
            return new(OrderPlacement.InvalidInput, "'idempotencyKey' must be 1 to 100 characters.", ["input", "idempotencyKey"]);
        if (input.Reason.Trim() is not { Length: > 0 and <= Refund.MaxReason })
            return new(OrderPlacement.InvalidInput, $"'reason' must be 1 to {Refund.MaxReason} characters.", ["input", "reason"]);
        if (input.Lines is { Count: 0 })
            return new(OrderPlacement.InvalidInput, "'lines' names at least one line; leave it out to refund every unit not yet refunded.", ["input", "lines"]);
        if (input.Lines is { Count: > CartStore.MaxLines })
            return new(OrderPlacement.InvalidInput, $"'lines' names at most {CartStore.MaxLines} lines, as many as an order has.", ["input", "lines"]);
        for (var i = 0; i < (input.Lines?.Count ?? 0); i++)
        {
            var line = input.Lines![i];
            if (line.Quantity < 1)
                return new(OrderPlacement.InvalidInput, "'quantity' must be at least 1.", ["input", "lines", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "quantity"]);
            if (input.Lines.Take(i).Any(l => l.Sku == line.Sku))
                return new(OrderPlacement.InvalidInput, $"'{line.Sku}' is named twice; give its units in one line.", ["input", "lines", i.ToString(System.Globalization.CultureInfo.InvariantCulture), "sku"]);
        }
        return null;
    }

    /// <summary>Why the order cannot give back what is asked: not delivered, its money not held, or not that many units left.</summary>
    private static UserError? Refusal(Order order, RefundOrderInput input)
    {
        if (order.Status == OrderStatus.Refunded)
            return new(NotRefundable, "Every unit of this order has been refunded.", ["input", "orderId"]);
        if (order.Status != OrderStatus.Delivered)
            return new(NotRefundable, order.Status switch
            {
                _ when OrderOperations.Cancellable(order) => "The order has not shipped; cancel it instead (its payment is given back).",
                OrderStatus.Cancelled => "The order was cancelled before it shipped: its payment was given back then.",
                OrderStatus.Pending or OrderStatus.Failed => "The order was not placed: nothing was charged.",
                _ => "Only a delivered order is refunded; this one is still on its way.",
            }, ["input", "orderId"]);
        var givenBack = order.Refunds.Where(r => r.Status == RefundStatus.Succeeded).Sum(r => r.Amount);
        // All of it given back by the store's own refunds, with units left: units worth nothing
        // (a free gift after the rest), refunded at 0.00 without asking the provider.
        if (order.Payment!.Status != PaymentStatus.Captured && !(order.Payment.Status == PaymentStatus.Refunded && order.Payment.Refunded == givenBack))
            return new(NotRefundable, "The payment was given back at the provider already.", ["input", "orderId"]);
        if (order.Payment.Refunded > givenBack)
            return new(NotRefundable, "Part of the payment was given back on the payment provider's dashboard; give back the rest there too.", ["input", "orderId"]);
        // One at a time: each refund is priced on those before it having given their units back,
        // so one is recorded only once the provider has answered the last.
        if (order.Refunds.Any(r => r.Status == RefundStatus.Pending))
            return new(InProgress, "A refund of this order is waiting for the payment provider's answer; try again in a moment.", ["input", "orderId"]);
        var left = Left(order);
        if (left.Count == 0)
            return new(NotRefundable, "Every unit of this order has been refunded or is being refunded.", ["input", "orderId"]);
        for (var i = 0; i < (input.Lines?.Count ?? 0); i++)
        {
            var line = input.Lines![i];
            var index = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (order.Lines.All(l => l.Sku != line.Sku))
                return new(LineNotFound, $"The order has no line for '{line.Sku}'.", ["input", "lines", index, "sku"]);
            if (line.Quantity > left.GetValueOrDefault(line.Sku))
                return new(QuantityExceeded, $"{left.GetValueOrDefault(line.Sku)} unit(s) of '{line.Sku}' can still be refunded.", ["input", "lines", index, "quantity"]);
        }
        return null;
    }

    private static string Hash(RefundOrderInput input, string reason)
    {
        var units = input.Lines is null ? "*" : string.Join(',', input.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).Select(l => $"{l.Sku}:{l.Quantity}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{units}\n{reason}")));
    }
}

/// <summary>The context a retry loads the order into, disposed when the next replaces it and at the end.</summary>
internal sealed class ContextSlot : IAsyncDisposable
{
    private OrdersDbContext? _context;

    public async Task<OrdersDbContext> ReplaceAsync(OrdersDbContext context)
    {
        await DisposeAsync();
        return _context = context;
    }

    public async ValueTask DisposeAsync()
    {
        if (_context is not null)
            await _context.DisposeAsync();
        _context = null;
    }
}

/// <summary>The durable half of a refund: completes it if the inline call did not (Wolverine handler).</summary>
public static class RefundHandler
{
    [NonTransactional]
    public static async Task HandleAsync(IssueRefund message, IDbContextFactory<OrdersDbContext> factory, RefundIssuer issuer, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var order = await db.Orders.Include(o => o.Lines).Include(o => o.Payment).Include(o => o.Refunds).AsSplitQuery()
            .SingleAsync(o => o.Id == message.OrderId, cancellationToken);
        await issuer.CompleteAsync(order, order.Refunds.Single(r => r.Id == message.RefundId), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed class RefundLineInputType : InputObjectGraphType<RefundLineInput>
{
    public RefundLineInputType()
    {
        Name = "RefundLineInput";
        Field(l => l.Sku, type: typeof(NonNullGraphType<IdGraphType>)).Description("The order line's SKU.");
        Field(l => l.Quantity).Description("Units of it to refund, at most those not yet refunded.");
    }
}

public sealed class RefundOrderInputType : InputObjectGraphType<RefundOrderInput>
{
    public RefundOrderInputType()
    {
        Name = "RefundOrderInput";
        Field(i => i.OrderId, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.IdempotencyKey).Description("Chosen by the client, one per refund: sending it again answers the same refund; with another request it is an error.");
        Field(i => i.Lines, type: typeof(ListGraphType<NonNullGraphType<RefundLineInputType>>)).Description("What to refund; left out, every unit not yet refunded.");
        Field(i => i.Reason).Description($"Why, for the record (at most {Refund.MaxReason} characters).");
    }
}

public sealed class RefundStatusType : EnumerationGraphType<RefundStatus>
{
    public RefundStatusType() => Name = "RefundStatus";
}

public sealed class RefundedUnitsType : ObjectGraphType<RefundedUnits>
{
    public RefundedUnitsType()
    {
        Name = "RefundLine";
        Field<NonNullGraphType<ProductVariantType>>("variant").Resolve(ctx => new VariantReference { Sku = ctx.Source.Sku });
        Field(u => u.Quantity);
    }
}

public sealed class RefundType : ObjectGraphType<Refund>
{
    public RefundType()
    {
        Name = "Refund";
        Description = "Money given back for units of a delivered order: amount = subtotal - discount + shipping + tax.";
        Field(r => r.Id, type: typeof(NonNullGraphType<IdGraphType>));
        Field(r => r.Status, type: typeof(NonNullGraphType<RefundStatusType>)).Description("PENDING until the payment provider answers; FAILED when it refused (failureReason says why).");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<RefundedUnitsType>>>>("lines").Resolve(ctx => ctx.Source.Units);
        Field<NonNullGraphType<MoneyType>>("subtotal").Description("The units' goods at the prices paid.").Resolve(ctx => new Money(ctx.Source.Subtotal, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("discount").Description("Their share of the order's discount, kept back.").Resolve(ctx => new Money(ctx.Source.Discount, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("shipping").Description("The order's shipping, given back with its last units.").Resolve(ctx => new Money(ctx.Source.Shipping, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("tax").Description("Their share of the order's tax.").Resolve(ctx => new Money(ctx.Source.Tax, ctx.Source.CurrencyCode));
        Field<NonNullGraphType<MoneyType>>("amount").Resolve(ctx => new Money(ctx.Source.Amount, ctx.Source.CurrencyCode));
        Field(r => r.Reason);
        Field(r => r.FailureReason, nullable: true);
        Field<IdGraphType>("refundedBy")
            .Description("The administrator's user id: for administrators (null for the customer, who is not shown who on the staff refunded, as a hold review's reviewer is not shown either).")
            .Resolve(ctx => ctx.CurrentUser().IsAdmin ? ctx.Source.RefundedBy : null);
        Field<NonNullGraphType<DateTimeGraphType>>("createdAt").Resolve(ctx => ctx.Source.CreatedAt.UtcDateTime);
        Field<DateTimeGraphType>("completedAt").Resolve(ctx => ctx.Source.CompletedAt?.UtcDateTime);
    }
}
