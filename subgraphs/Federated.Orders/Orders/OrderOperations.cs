using System.Globalization;
using Federated.Kit.DataLoaders;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Kit.Paging;
using Federated.Orders.Data;
using Federated.Orders.Messaging;
using Federated.Orders.Payments;
using GraphQL;
using GraphQL.DataLoader;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Federated.Orders.Orders;

/// <summary>placeOrder, confirmPayment, cancelOrder, order(id) and User.orders.</summary>
public static class OrderOperations
{
    public const string OrderNotFound = "ORDER_NOT_FOUND";
    public const string NoChallenge = "NO_PAYMENT_ACTION";
    public const string NotCancellable = "ORDER_NOT_CANCELLABLE";

    public static readonly OrderStatus[] Visible =
        [OrderStatus.PaymentActionRequired, OrderStatus.OnHold, OrderStatus.Paid, OrderStatus.Fulfilling, OrderStatus.Shipped,
         OrderStatus.Delivered, OrderStatus.Cancelled, OrderStatus.Refunded];

    public static void AddQueriesTo(ObjectGraphType query) =>
        query.Field<OrderType>("order")
            .Description("An order of the signed-in customer (any order for an administrator); null for anyone else's.")
            .Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(ctx =>
            {
                ctx.CurrentUser().RequireUser();
                return VisibleOrder(ctx, ctx.GetArgument<string>("id"));
            });

    public static void AddMutationsTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<PlaceOrderPayloadType>>("placeOrder")
            .Description("Places the signed-in customer's cart as an order: stock reserved, card authorized. Idempotent by idempotencyKey.")
            .Argument<NonNullGraphType<PlaceOrderInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var userId = ctx.CurrentUser().RequireUser();
                // A guest cart named in X-Cart-Id joins the account's first, as every cart operation does once signed in.
                await Carts.CartOperations.ResolveCartIdAsync(ctx);
                return await ctx.RequestServices!.GetRequiredService<OrderPlacement>()
                    .PlaceAsync(userId, ctx.GetArgument<PlaceOrderInput>("input"), ctx.CancellationToken);
            });

        mutation.Field<NonNullGraphType<PlaceOrderPayloadType>>("confirmPayment")
            .Description("Answers an order's 3-D Secure challenge; the order is paid, or refused and its stock released.")
            .Argument<NonNullGraphType<ConfirmPaymentInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireUser();
                var input = ctx.GetArgument<ConfirmPaymentInput>("input");
                var services = ctx.RequestServices!;
                await using var db = await services.GetRequiredService<IDbContextFactory<OrdersDbContext>>().CreateDbContextAsync(ctx.CancellationToken);
                // The cardholder's answer: only the customer gives it, not an administrator on their behalf.
                var order = await OwnOrderAsync(ctx, db, input.OrderId, administrators: false);
                if (order is null)
                    return PlaceOrderResult.Failed(new UserError(OrderNotFound, "There is no such order.", ["input", "orderId"]));
                if (order.Status != OrderStatus.PaymentActionRequired)
                    return ConfirmedAlready(order);
                var result = await services.GetRequiredService<IPaymentProvider>().ConfirmAsync(order.Id, input.ChallengeResponse, CancellationToken.None);
                try
                {
                    return await services.GetRequiredService<OrderPlacement>().ApplyAuthorizationAsync(db, order, result, CancellationToken.None);
                }
                catch (DbUpdateConcurrencyException)
                {
                    // Another change got there first: the provider's webhook applying the same
                    // answer, or a cancel (answered as a cancelled order is, not as paid).
                    await using var fresh = await services.GetRequiredService<IDbContextFactory<OrdersDbContext>>().CreateDbContextAsync(CancellationToken.None);
                    return ConfirmedAlready(await OrderPlacement.LoadAsync(fresh, order.Id, CancellationToken.None));
                }
            });

        mutation.Field<NonNullGraphType<OrderPayloadType>>("cancelOrder")
            .Description("Cancels an order before it ships (waiting for its payment, paid, held, or packed with no parcel handed to a carrier): its stock is released and its payment voided, or refunded if it was captured.")
            .Argument<NonNullGraphType<CancelOrderInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireUser();
                var input = ctx.GetArgument<CancelOrderInput>("input");
                var services = ctx.RequestServices!;
                // A cancel that loses its claim to another change looks again: to a cancel sent
                // twice at once the order is cancelled, to one that met a payment answer it is
                // still cancellable, and to one that met a fulfillment wave it is cancellable while
                // packed or held, and not once a parcel has left.
                for (var attempt = 1; ; attempt++)
                {
                    await using var db = await services.GetRequiredService<IDbContextFactory<OrdersDbContext>>().CreateDbContextAsync(ctx.CancellationToken);
                    var order = await OwnOrderAsync(ctx, db, input.OrderId);
                    if (order is null)
                        return new OrderPayload(null, [new UserError(OrderNotFound, "There is no such order.", ["input", "orderId"])]);
                    if (order.Status == OrderStatus.Cancelled)
                        return new OrderPayload(order, []);
                    if (!Cancellable(order))
                        return NotCancellableAnswer(order);
                    if (await CancelAsync(services, db, order, byCustomer: ctx.CurrentUser().IsSelf(order.UserId)) is { } cancelled)
                        return cancelled;
                    if (attempt == MaxCancelAttempts)
                        return new OrderPayload(null, [new UserError(NotCancellable, "The order kept changing while it was cancelled; look at it again.", ["input", "orderId"])]);
                }
            });
    }

    /// <summary>
    /// confirmPayment's answer for an order no longer waiting for its challenge: answered already
    /// (a retry whose first answer was lost, a webhook first), as then, however far the order has
    /// moved on; an order that never had a challenge has nothing to confirm, and neither has a
    /// cancelled one (an empty list of errors is read as "paid").
    /// </summary>
    private static PlaceOrderResult ConfirmedAlready(Order order) => order switch
    {
        { Payment.ChallengeId: null } => PlaceOrderResult.Failed(new UserError(NoChallenge, "This order is not waiting for a payment confirmation.", ["input", "orderId"])),
        { Status: OrderStatus.Cancelled } => PlaceOrderResult.Failed(new UserError(NoChallenge, "This order was cancelled; it has no payment to confirm.", ["input", "orderId"])),
        { Status: OrderStatus.Failed } => PlaceOrderResult.Failed(new UserError(order.FailureCode!, order.FailureMessage!, ["input"])),
        _ => new PlaceOrderResult(order, null, []),
    };

    private const int MaxCancelAttempts = 5;

    /// <summary>A parcel's events are numbered in turn: two writers of its next event collide on this key.</summary>
    private const string ShipmentEventsKey = "PK_shipment_events";

    /// <summary>
    /// Before shipment: waiting for its payment, paid, held, or packed (FULFILLING) with none of
    /// its parcels handed to a carrier. Packed parcels are cancelled with it; the units were not
    /// yet taken out of stock, which happens as the parcels ship, and the money, captured just
    /// before that, is voided, or refunded when a wave took it but did not ship.
    /// </summary>
    public static bool Cancellable(Order order) =>
        order.Status is OrderStatus.PaymentActionRequired or OrderStatus.OnHold or OrderStatus.Paid or OrderStatus.Fulfilling
        && order.Shipments.All(s => s.Status is ShipmentStatus.Packed or ShipmentStatus.Cancelled);

    /// <summary>Why <paramref name="order"/> (not <see cref="Cancellable"/>) cannot be cancelled, in the shopper's terms.</summary>
    public static OrderPayload NotCancellableAnswer(Order order) =>
        new(null, [new UserError(NotCancellable, order.Status switch
        {
            OrderStatus.Pending => "The order is still being placed; look at it again in a moment.",
            OrderStatus.Failed => "The order was not placed (its payment failed, or it was refused): nothing was charged or held.",
            _ => "The order has shipped; return it instead.",
        }, ["input", "orderId"])]);

    /// <summary>
    /// Claims the cancellation, with a durable settlement in the same transaction, then settles
    /// inline so the answer shows it; void and release are idempotent, so the message finding it
    /// done costs two calls and changes nothing. Null, with nothing done, when the row version
    /// refuses the claim: the order changed since it was loaded.
    /// </summary>
    public static async Task<OrderPayload?> CancelAsync(IServiceProvider services, OrdersDbContext db, Order order, bool byCustomer = false)
    {
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        // The customer gave up on the challenge, and nothing was paid: the lines it took out of
        // the cart go back into it, as when the challenge fails (OrderSettlement.GivesCartBack),
        // added to what the cart holds now. An administrator's cancel leaves the cart alone.
        var giveCartBack = byCustomer && order.Status == OrderStatus.PaymentActionRequired;
        order.Status = OrderStatus.Cancelled;
        order.UpdatedAt = now;
        // Parcels packed for an order held while shipping never leave.
        foreach (var shipment in order.Shipments.Where(s => s.Status == ShipmentStatus.Packed))
        {
            shipment.Status = ShipmentStatus.Cancelled;
            shipment.Events.Add(new ShipmentEvent
            {
                ShipmentId = shipment.Id, Sequence = shipment.Events.Count + 1, Status = ShipmentStatus.Cancelled,
                Description = "Cancelled before shipping", Location = shipment.FulfillmentCenter, OccurredAt = now,
            });
        }
        // Nothing is kept of it (what a wave captured is refunded): the customer's use of the
        // code comes back with the cancellation, in its transaction, as a refused order's does.
        await OrderPlacement.GiveBackDiscountAsync(db, order, CancellationToken.None);
        try
        {
            await services.GetRequiredService<OrderOutbox>().SaveAsync(db, new SettleOrder(order.Id, giveCartBack), null, CancellationToken.None);
        }
        catch (DbUpdateException ex) when (ex is DbUpdateConcurrencyException
            || ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: ShipmentEventsKey })
        {
            // Another change came first: the row version refused the claim, or the parcel's next
            // event number was taken (another cancel, a wave shipping it) before that was checked.
            return null;
        }
        try
        {
            services.GetRequiredService<FaultInjection>().FailInlineSettlement(order.UserId);
            await services.GetRequiredService<OrderSettlement>().SettleAsync(db, order, CancellationToken.None, giveCartBack);
        }
        catch (Exception ex) when (ex is GraphQLFailure or InvalidOperationException or HttpRequestException or TaskCanceledException or DbUpdateConcurrencyException
            or StackExchange.Redis.RedisException or TimeoutException)
        {
            services.GetRequiredService<ILogger<OrderSettlement>>().LogWarning(ex, "Cancelled order {OrderId} is settled by its message instead", order.Id);
        }
        return new OrderPayload(order, []);
    }

    /// <summary>An order with everything the Order type shows: lines, payment, shipments and their events.</summary>
    public static IQueryable<Order> WithDetails(IQueryable<Order> orders) =>
        orders.Include(o => o.Lines).Include(o => o.Payment).Include(o => o.Shipments).ThenInclude(s => s.Events).Include(o => o.Refunds).AsSplitQuery();

    /// <summary>
    /// One snapshot (REPEATABLE READ) for a read of many orders with their details. The split query
    /// of <see cref="WithDetails"/> sends a statement per detail, each repeating the list's filter
    /// and limit; read at different moments, an order that joined the list between them (placed,
    /// paid, held meanwhile) came first among the details' rows, and EF Core, matching them to
    /// the orders in turn, gave every order after it no lines, parcels or refunds (found by a
    /// review). Disposed without a commit: it only read.
    /// </summary>
    public static async Task<IAsyncDisposable> SnapshotAsync(OrdersDbContext db, CancellationToken cancellationToken) =>
        await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);

    /// <summary>Adds <c>orders</c> to the User stub: the owner's (or, for an administrator, anyone's) orders, newest first.</summary>
    public static void AddOrdersField(ObjectGraphType<Users.UserReference> user) =>
        user.Field<OrderConnectionType>("orders")
            .Description("Newest first; only the customer and administrators see them (null with FORBIDDEN for anyone else).")
            .Argument<IntGraphType>("first", $"Page size: default {PagingArguments.DefaultPageSize}, at most {PagingArguments.MaxPageSize}.")
            .Argument<StringGraphType>("after")
            .Resolve(ctx =>
            {
                ctx.CurrentUser().RequireSelfOrAdmin(ctx.Source.Id);
                var paging = PagingArguments.From(ctx);
                // A cursor of another shape is refused here, before the batch it would join.
                AfterPlaced(paging);
                var userId = ctx.Source.Id;
                return ctx.RequestServices!.GetRequiredService<OrdersByUserDataLoader>().Load(new OrderPageRequest(userId, paging))
                    .Then(page => OrderList.Of(page!, userId));
            });

    /// <summary>One customer's page of orders, newest first: the query when a batch holds a single customer (a shopper's own list).</summary>
    public static async Task<Connection<Order>> PageAsync(OrdersDbContext db, string userId, PagingArguments paging, CancellationToken cancellationToken)
    {
        var query = WithDetails(db.Orders.AsNoTracking())
            .Where(o => o.UserId == userId && Visible.Contains(o.Status));
        if (AfterPlaced(paging) is var (at, afterId))
            query = query.Where(o => o.PlacedAt < at || (o.PlacedAt == at && string.Compare(o.Id, afterId) > 0));
        var rows = await query.OrderByDescending(o => o.PlacedAt).ThenBy(o => o.Id).Take(paging.Limit).ToListAsync(cancellationToken);
        return Connection<Order>.FromRows(rows, paging, PlacedCursor);
    }

    /// <summary>The cursor of an order in a list by the time it was placed: that time and its id.</summary>
    public static string PlacedCursor(Order order) => Cursor.Encode(new[] { order.PlacedAt.ToString("O"), order.Id });

    /// <summary>
    /// The order <c>after</c> names in a list by the time placed (<see cref="PlacedCursor"/>);
    /// null for the first page, <c>INVALID_CURSOR</c> for a cursor of another shape.
    /// </summary>
    public static (DateTimeOffset At, string Id)? AfterPlaced(PagingArguments paging) => AfterTime(paging, mark: null);

    /// <summary>
    /// The time and id <c>after</c> names in a list of orders by a time: <c>[time, id]</c>, or
    /// <c>[mark, time, id]</c> for a list that marks its cursors as its own (<paramref name="mark"/>);
    /// null for the first page, <c>INVALID_CURSOR</c> for a cursor of another shape or list.
    /// </summary>
    public static (DateTimeOffset At, string Id)? AfterTime(PagingArguments paging, string? mark)
    {
        var key = paging.AfterKey<string[]>();
        if (key is null)
            return null;
        if (mark is not null)
            key = key is [var own, .. var rest] && own == mark ? rest : [];
        return key switch
        {
            // In UTC whatever offset it was written with: PostgreSQL's timestamptz takes only UTC from Npgsql.
            [var time, { Length: > 0 } id] when DateTimeOffset.TryParseExact(time, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out var at) => (at.ToUniversalTime(), id),
            _ => throw new GraphQLFailure(ErrorCodes.InvalidCursor, "The cursor is not valid for this list."),
        };
    }

    /// <summary>
    /// The order, if it is shown (not being placed or refused) and the caller owns it or is an
    /// administrator; null otherwise, as for an order that does not exist. Orders asked for
    /// together (references from the gateway, aliased fields) are loaded in one batch.
    /// </summary>
    public static IDataLoaderResult<Order?> VisibleOrder(IResolveFieldContext ctx, string orderId)
    {
        var user = ctx.CurrentUser();
        return ctx.RequestServices!.GetRequiredService<OrderByIdDataLoader>().Load(orderId)
            .Then(order => order is not null && user.IsSelfOrAdmin(order.UserId) ? order : null);
    }

    /// <summary>The order, loaded for change, if the caller owns it or (unless <paramref name="administrators"/> is false) is an administrator.</summary>
    private static async Task<Order?> OwnOrderAsync(IResolveFieldContext ctx, OrdersDbContext db, string orderId, bool administrators = true)
    {
        var order = await WithDetails(db.Orders).SingleOrDefaultAsync(o => o.Id == orderId, ctx.CancellationToken);
        var user = ctx.CurrentUser();
        return order is not null && (administrators ? user.IsSelfOrAdmin(order.UserId) : user.IsSelf(order.UserId)) ? order : null;
    }
}

/// <summary>
/// A page of a list of orders that knows which list it is, for its <c>totalCount</c>: a
/// customer's orders (<paramref name="UserId"/>), or the orders on hold (null).
/// </summary>
public sealed record OrderList(IReadOnlyList<Edge<Order>> Edges, PageInfo PageInfo, string? UserId) : Connection<Order>(Edges, PageInfo)
{
    public static OrderList Of(Connection<Order> page, string? userId) => new(page.Edges, page.PageInfo, userId);
}

public sealed class OrderConnectionType : Federated.Kit.Types.ConnectionType<OrderType, Order>
{
    public OrderConnectionType() =>
        Field<NonNullGraphType<IntGraphType>>("totalCount")
            .Description("How many orders the list holds, on every page; counted only when asked for, every customer's list of the request in one query.")
            .Resolve(ctx => ctx.RequestServices!.GetRequiredService<OrderCountDataLoader>()
                .Load(((OrderList)ctx.Source).UserId ?? OrderCountDataLoader.OnHold));
}
