using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Kit.Paging;
using Federated.Orders.Data;
using Federated.Orders.Messaging;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Orders;

public enum HoldDecision { Release, Cancel }

public sealed record ReviewHeldOrderInput(string OrderId, HoldDecision Decision, string? Note);

/// <summary>
/// The review of orders put ON_HOLD, for administrators: by fraud rules at placement, or by
/// fulfillment when the catalog refused to ship stock it no longer holds for them
/// (<c>stock_not_held</c>). <c>heldOrders</c> lists them by when they went on hold, the longest
/// held first (the queue a reviewer works through: one held while a reviewer pages comes on a
/// later page, however long ago it was placed), <c>reviewHeldOrder</c> releases one to fulfillment or cancels it (stock released,
/// payment voided or, captured, refunded, packed parcels cancelled, as cancelOrder). A released order goes back where it
/// was held: PAID, to be packed, or FULFILLING when its parcels are packed already, to be shipped
/// (the catalog is asked again; should it still refuse, the order is held again). The decision,
/// the reviewer and the note stay on the order until it is held again, when it waits for a new review.
/// </summary>
public static class HoldReviews
{
    public const string NotOnHold = "ORDER_NOT_ON_HOLD";
    public const int MaxNote = 500;

    public static void AddQueriesTo(ObjectGraphType query) =>
        // Nullable: a refusal (not an administrator, a cursor of another list) is this field's
        // error, and the request's other fields are still answered.
        query.Field<OrderConnectionType>("heldOrders")
            .Description("Orders on hold for review, the longest held first. Administrators only (null, with the error, for anyone else or for a cursor that is not this list's).")
            .Argument<IntGraphType>("first", $"Page size: default {PagingArguments.DefaultPageSize}, at most {PagingArguments.MaxPageSize}.")
            .Argument<StringGraphType>("after")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireAdmin();
                var paging = PagingArguments.From(ctx);
                var after = OrderOperations.AfterTime(paging, HeldMark);
                await using var db = await ctx.RequestServices!.GetRequiredService<IDbContextFactory<OrdersDbContext>>().CreateDbContextAsync(ctx.CancellationToken);
                // Waves and webhooks hold orders every second: without one snapshot, one held
                // between the split query's statements emptied the details of those after it.
                await using var snapshot = await OrderOperations.SnapshotAsync(db, ctx.CancellationToken);
                var query = OrderOperations.WithDetails(db.Orders.AsNoTracking()).Where(o => EF.Property<string?>(o, OrdersDbContext.QueueColumn) == OrdersDbContext.HeldQueue && o.Status == OrderStatus.OnHold);
                if (after is var (at, afterId))
                    query = query.Where(o => o.HeldAt > at || (o.HeldAt == at && string.Compare(o.Id, afterId) > 0));
                var rows = await query.OrderBy(o => o.HeldAt).ThenBy(o => o.Id).Take(paging.Limit).ToListAsync(ctx.CancellationToken);
                return OrderList.Of(Connection<Order>.FromRows(rows, paging, HeldCursor), userId: null);
            });

    // "held", when it went on hold, its id: a cursor of a list by the time placed is not one of these.
    private const string HeldMark = "held";

    private static string HeldCursor(Order order) => Cursor.Encode(new[] { HeldMark, order.HeldAt!.Value.ToString("O"), order.Id });

    public static void AddMutationsTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<OrderPayloadType>>("reviewHeldOrder")
            .Description("Decides an order on hold: RELEASE sends it (back) to fulfillment, CANCEL cancels it. Administrators only.")
            .Argument<NonNullGraphType<ReviewHeldOrderInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireAdmin();
                var input = ctx.GetArgument<ReviewHeldOrderInput>("input");
                if (input.Note is { Length: > MaxNote })
                    return new OrderPayload(null, [new UserError(OrderPlacement.InvalidInput, $"'note' must be at most {MaxNote} characters.", ["input", "note"])]);
                var services = ctx.RequestServices!;
                await using var db = await services.GetRequiredService<IDbContextFactory<OrdersDbContext>>().CreateDbContextAsync(ctx.CancellationToken);
                var order = await OrderOperations.WithDetails(db.Orders).SingleOrDefaultAsync(o => o.Id == input.OrderId, ctx.CancellationToken);
                if (order is null)
                    return new OrderPayload(null, [new UserError(OrderOperations.OrderNotFound, "There is no such order.", ["input", "orderId"])]);
                if (order.Status != OrderStatus.OnHold)
                    return new OrderPayload(null, [new UserError(NotOnHold, "This order is not on hold.", ["input", "orderId"])]);

                var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
                order.Review = new HoldReview
                {
                    Decision = input.Decision, ReviewedBy = ctx.CurrentUser().Id!, Note = input.Note?.Trim() is { Length: > 0 } note ? note : null, ReviewedAt = now,
                };
                if (input.Decision == HoldDecision.Cancel)
                {
                    // Held after its parcels left (a delivery the database refused to record): too late to cancel.
                    if (!OrderOperations.Cancellable(order))
                        return OrderOperations.NotCancellableAnswer(order);
                    return await OrderOperations.CancelAsync(services, db, order) ?? ChangedMeanwhile();
                }
                // Back where it was held: paid, packed, or on its way (its delivery is recorded next).
                order.Status = order.Shipments.Count == 0 ? OrderStatus.Paid
                    : order.Shipments.Any(s => s.Status == ShipmentStatus.InTransit) ? OrderStatus.Shipped
                    : OrderStatus.Fulfilling;
                order.UpdatedAt = now;
                try
                {
                    // The fulfillment wave a step delay from now packs it, or ships its parcels.
                    await db.SaveChangesAsync(CancellationToken.None);
                }
                catch (DbUpdateConcurrencyException)
                {
                    return ChangedMeanwhile();
                }
                return new OrderPayload(order, []);
            });

    private static OrderPayload ChangedMeanwhile() =>
        new(null, [new UserError(NotOnHold, "The order changed meanwhile; look at it again.", ["input", "orderId"])]);
}

public sealed class HoldDecisionType : EnumerationGraphType<HoldDecision>
{
    public HoldDecisionType() => Name = "HoldDecision";
}

public sealed class ReviewHeldOrderInputType : InputObjectGraphType<ReviewHeldOrderInput>
{
    public ReviewHeldOrderInputType()
    {
        Name = "ReviewHeldOrderInput";
        Field(i => i.OrderId, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.Decision, type: typeof(NonNullGraphType<HoldDecisionType>));
        Field(i => i.Note, nullable: true).Description($"Why, for the record (at most {HoldReviews.MaxNote} characters).");
    }
}

public sealed class HoldReviewType : ObjectGraphType<HoldReview>
{
    public HoldReviewType()
    {
        Name = "HoldReview";
        Description = "An administrator's decision on an order fraud rules held.";
        Field(r => r.Decision, type: typeof(NonNullGraphType<HoldDecisionType>));
        Field(r => r.ReviewedBy, type: typeof(NonNullGraphType<IdGraphType>)).Description("The administrator's user id.");
        Field(r => r.Note, nullable: true);
        Field<NonNullGraphType<DateTimeGraphType>>("reviewedAt").Resolve(ctx => ctx.Source.ReviewedAt.UtcDateTime);
    }
}
