using Federated.Orders.Catalog;
using Federated.Orders.Data;
using Federated.Orders.Payments;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Orders;

/// <summary>
/// Finishes orders nobody is working on any more: one left Pending (the service stopped between
/// reserving stock and charging the card) past <c>Orders:PendingTimeout</c>, or waiting for a
/// 3-D Secure answer past <c>Orders:ChallengeTimeout</c>. Their payment is voided by the order id
/// (so a charge that happened just before a crash is given back, and none can happen after) and
/// their stock released, both idempotent; then the order is marked Failed. The order rows are
/// the durable record: a restarted service picks up where the stopped one was. Several
/// instances may sweep at once; the order's row version lets one of them win.
/// </summary>
public sealed class OrderRecovery(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<OrderRecovery> logger) : BackgroundService
{
    public const string Interrupted = "ORDER_INTERRUPTED";
    public const string ChallengeExpired = "PAYMENT_CHALLENGE_EXPIRED";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pendingTimeout = configuration.GetValue("Orders:PendingTimeout", TimeSpan.FromMinutes(2));
        var challengeTimeout = configuration.GetValue("Orders:ChallengeTimeout", TimeSpan.FromMinutes(15));
        var interval = configuration.GetValue("Orders:RecoveryInterval", TimeSpan.FromSeconds(10));
        using var timer = new PeriodicTimer(interval, time);
        do
        {
            try
            {
                await SweepAsync(pendingTimeout, challengeTimeout, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Order recovery failed; retrying in {Interval}", interval);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>A cancelled order's money and stock given back: payment voided (refunded if captured), stock released.</summary>
    public async Task SettleCancellationAsync(OrdersDbContext db, Order order, CancellationToken cancellationToken)
    {
        try
        {
            var voided = await services.GetRequiredService<IPaymentProvider>().VoidAsync(order.Id, cancellationToken);
            await services.GetRequiredService<CatalogClient>().ReleaseAsync(order.Id, cancellationToken);
            order.Payment!.Status = voided.Outcome == ProviderOutcome.Refunded ? PaymentStatus.Refunded : PaymentStatus.Voided;
            order.Payment.UpdatedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is Kit.Errors.GraphQLFailure or InvalidOperationException or DbUpdateConcurrencyException)
        {
            logger.LogWarning(ex, "Cancelled order {OrderId} is not settled yet; recovery will retry", order.Id);
        }
    }

    public async Task SweepAsync(TimeSpan pendingTimeout, TimeSpan challengeTimeout, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var factory = services.GetRequiredService<IDbContextFactory<OrdersDbContext>>();
        List<string> stale, unsettled;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var pendingBefore = now - pendingTimeout;
            var challengeBefore = now - challengeTimeout;
            stale = await db.Orders
                .Where(o => (o.Status == OrderStatus.Pending && o.UpdatedAt < pendingBefore)
                    || (o.Status == OrderStatus.PaymentActionRequired && o.UpdatedAt < challengeBefore))
                .OrderBy(o => o.UpdatedAt).Select(o => o.Id).Take(100).ToListAsync(cancellationToken);
            unsettled = await db.Orders
                .Where(o => o.Status == OrderStatus.Cancelled && o.UpdatedAt < pendingBefore
                    && o.Payment != null && o.Payment.Status != PaymentStatus.Voided && o.Payment.Status != PaymentStatus.Refunded)
                .Select(o => o.Id).Take(100).ToListAsync(cancellationToken);
        }
        foreach (var orderId in unsettled)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await SettleCancellationAsync(db, await OrderPlacement.LoadAsync(db, orderId, cancellationToken), cancellationToken);
        }
        foreach (var orderId in stale)
        {
            await using var scope = services.CreateAsyncScope();
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var order = await OrderPlacement.LoadAsync(db, orderId, cancellationToken);
            var provider = scope.ServiceProvider.GetRequiredService<IPaymentProvider>();
            await provider.VoidAsync(order.Id, cancellationToken);
            order.Payment!.Status = PaymentStatus.Voided;
            var code = order.Status == OrderStatus.Pending ? Interrupted : ChallengeExpired;
            var message = order.Status == OrderStatus.Pending
                ? "The order could not be completed; nothing was charged."
                : "The payment was not confirmed in time; nothing was charged.";
            try
            {
                await scope.ServiceProvider.GetRequiredService<OrderPlacement>().FailAsync(db, order, code, message, release: true, cancellationToken);
                logger.LogInformation("Recovered order {OrderId}: {Code}", order.Id, code);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another instance (or the shopper's confirmation) got there first.
            }
        }
    }
}
