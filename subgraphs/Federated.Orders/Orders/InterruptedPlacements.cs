using Federated.Orders.Carts;
using Federated.Orders.Data;
using Federated.Orders.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Orders;

/// <summary>
/// Refuses orders whose placement was interrupted: every <c>Orders:Messaging:PollingTime</c>,
/// orders still Pending <c>Orders:PendingTimeout</c> after they were recorded (the instance
/// placing them stopped between reservation and payment) are refused with
/// <c>ORDER_INTERRUPTED</c>, and a durable <see cref="SettleOrder"/> gives their stock and money
/// back. The Pending order row is itself the durable record, so placing an order writes nothing
/// more for this; any running instance finds it. Instances sweeping at once claim an order under
/// its row version: one refuses it, the others see it moved on.
/// <para>
/// It also looks after carts whose placement did not finish its claim on them
/// (<see cref="CartStore.DuePlacementsAsync"/>): the instance died, or Redis failed, between
/// the order being saved as standing and its lines leaving the cart. Left, those lines were
/// ordered again by the shopper's next checkout (a second order and charge) unless the same
/// key was sent again within minutes. Once the claim's lease ends, its order, if it stands, has
/// its lines taken out (once: the cart's mark says whether they were), and the cart is freed.
/// </para>
/// </summary>
public sealed class InterruptedPlacements(IDbContextFactory<OrdersDbContext> factory, OrderOutbox outbox, CartStore carts, TimeProvider time, IConfiguration configuration,
    ILogger<InterruptedPlacements> logger) : BackgroundService
{
    private const int BatchSize = 100;

    private readonly TimeSpan _pendingTimeout = PendingTimeout(configuration);

    /// <summary>How long an order may stay Pending (being placed) before it counts as interrupted.</summary>
    public static TimeSpan PendingTimeout(IConfiguration configuration) => configuration.GetValue("Orders:PendingTimeout", TimeSpan.FromMinutes(2));

    /// <summary>How often an instance sweeps.</summary>
    public static TimeSpan SweepInterval(IConfiguration configuration) => configuration.GetValue("Orders:Messaging:PollingTime", TimeSpan.FromSeconds(2));

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(SweepInterval(configuration));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await SweepAsync(stoppingToken) == BatchSize)
                {
                }
                while (await LookAfterClaimsAsync(stoppingToken) == BatchSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Looking for interrupted placements failed; trying again");
            }
        }
    }

    /// <summary>Refuses one batch of interrupted placements; returns how many were found, less those that failed.</summary>
    private async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        // A Pending order has not changed since it was recorded: its UpdatedAt is when it was placed.
        var cutoff = time.GetUtcNow() - _pendingTimeout;
        List<string> interrupted;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            interrupted = await db.Orders.AsNoTracking()
                .Where(o => EF.Property<string?>(o, OrdersDbContext.QueueColumn) == OrdersDbContext.PendingQueue && o.Status == OrderStatus.Pending && o.UpdatedAt < cutoff)
                .OrderBy(o => o.UpdatedAt).Select(o => o.Id).Take(BatchSize)
                .ToListAsync(cancellationToken);
        }
        var failed = 0;
        foreach (var orderId in interrupted)
        {
            try
            {
                await OrderMessageHandler.ExpireAsync(orderId, OrderStatus.Pending, OrderMessageHandler.Interrupted,
                    OrderMessageHandler.InterruptedMessage, factory, outbox, time, logger, cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance refused it, or its placement finished, meanwhile.
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // One order that cannot be refused does not keep the ones after it Pending (each
                // shopper's checkout stays locked while their order is): it comes first again
                // at the next sweep, and the rest of the batch is refused now.
                logger.LogWarning(ex, "Order {OrderId} could not be refused as interrupted; trying again at the next sweep", orderId);
                failed++;
            }
        }
        return interrupted.Count - failed;
    }

    /// <summary>
    /// Finishes the claims whose lease ended unfinished: a standing order's lines taken out of its
    /// cart first. An order still Pending is left to the sweep above, and looked at again after.
    /// Returns how many were found, less those left or that failed.
    /// </summary>
    private async Task<int> LookAfterClaimsAsync(CancellationToken cancellationToken)
    {
        var due = await carts.DuePlacementsAsync(BatchSize);
        var finished = 0;
        foreach (var claim in due)
        {
            try
            {
                Order? order = null;
                if (claim.CartId.StartsWith("u.", StringComparison.Ordinal))
                {
                    var userId = claim.CartId[2..];
                    await using var db = await factory.CreateDbContextAsync(cancellationToken);
                    order = await db.Orders.AsNoTracking().Include(o => o.Lines)
                        .SingleOrDefaultAsync(o => o.UserId == userId && o.IdempotencyKey == claim.IdempotencyKey, cancellationToken);
                }
                if (order?.Status == OrderStatus.Pending)
                    continue;
                if (order is not null && OrderPlacement.TakesOutOfCart(order, time.GetUtcNow()) && await carts.TakeOutAsync(order))
                    logger.LogWarning("Order {OrderId} stood with its lines still in the cart (its placement did not finish); they were taken out", order.Id);
                await carts.FinishDuePlacementAsync(claim);
                finished++;
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "The claim on cart {CartId} could not be looked after; trying again at the next sweep", claim.CartId);
            }
        }
        return due.Count == BatchSize ? finished : 0;
    }
}
