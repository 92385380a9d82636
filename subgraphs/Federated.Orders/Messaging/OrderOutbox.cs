using Federated.Orders.Data;
using Wolverine;
using Wolverine.EntityFrameworkCore;

namespace Federated.Orders.Messaging;

/// <summary>
/// Saves an order change together with the messages it calls for, in one PostgreSQL
/// transaction (Wolverine's EF Core outbox): either both are kept or neither. Messages are
/// handed to their durable local queues only after the commit.
/// </summary>
public sealed class OrderOutbox(IServiceScopeFactory scopes, IConfiguration configuration)
{
    /// <summary>How long a 3-D Secure challenge waits for the shopper.</summary>
    public TimeSpan ChallengeTimeout { get; } = configuration.GetValue("Orders:ChallengeTimeout", TimeSpan.FromMinutes(15));

    /// <summary>Saves the context's changes with <paramref name="message"/>; without a message, a plain save.</summary>
    public async Task SaveAsync(OrdersDbContext db, object? message, TimeSpan? delay, CancellationToken cancellationToken)
    {
        if (message is null)
        {
            await db.SaveChangesAsync(cancellationToken);
            return;
        }
        // A fresh outbox for every save: one that has flushed sends nothing more.
        await using var scope = scopes.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IDbContextOutbox>();
        outbox.Enroll(db);
        // The outbox opens the transaction; EF Core would otherwise wrap its own save in a
        // savepoint inside it (two more round trips) to no purpose: the whole transaction commits or not.
        db.Database.AutoSavepointsEnabled = false;
        await outbox.PublishAsync(message, delay is { } d ? new DeliveryOptions { ScheduleDelay = d } : null);
        await outbox.SaveChangesAndFlushMessagesAsync(cancellationToken);
    }
}
