using Federated.Kit.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Data;

/// <summary>The demo discount codes, one of each kind plus an expired one, added when missing.</summary>
public sealed class OrdersSeeder(IDbContextFactory<OrdersDbContext> factory) : IStartupTask
{
    public static readonly IReadOnlyList<DiscountCode> DemoCodes =
    [
        new() { Code = "WELCOME10", Description = "10% off your first order", Kind = DiscountKind.Percentage, Value = 10m, PerCustomerLimit = 1 },
        new() { Code = "SAVE20", Description = "$20 off orders of $100 or more", Kind = DiscountKind.FixedAmount, Value = 20m, MinimumSubtotal = 100m },
        new() { Code = "FREESHIP", Description = "Free standard shipping within the US on orders of $35 or more", Kind = DiscountKind.FreeShipping, MinimumSubtotal = 35m },
        new() { Code = "SUMMER15", Description = "15% off (summer sale, over)", Kind = DiscountKind.Percentage, Value = 15m, ExpiresAt = new DateTimeOffset(2025, 9, 1, 0, 0, 0, TimeSpan.Zero) },
    ];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.DiscountCodes.Select(c => c.Code).ToListAsync(cancellationToken);
        db.DiscountCodes.AddRange(DemoCodes.Where(c => !existing.Contains(c.Code)).Select(c => new DiscountCode
        {
            Code = c.Code, Description = c.Description, Kind = c.Kind, Value = c.Value,
            MinimumSubtotal = c.MinimumSubtotal, ExpiresAt = c.ExpiresAt, PerCustomerLimit = c.PerCustomerLimit,
        }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is Npgsql.PostgresException { SqlState: Npgsql.PostgresErrorCodes.UniqueViolation })
        {
            // Another instance, starting at the same moment on an empty database, added the
            // same missing codes first; failing here stopped this one from starting.
        }
    }
}
