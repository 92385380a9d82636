using Federated.Kit.Errors;
using Federated.Orders.Data;
using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Checkout;

/// <summary>What a discount code does to a cart: an amount off the subtotal and/or free shipping.</summary>
/// <param name="Slot">The use of the code an order placed now takes (<see cref="DiscountRedemption.Slot"/>); null for a code without a per-customer limit.</param>
public sealed record AppliedDiscount(string Code, string Description, decimal Amount, bool FreeShipping, int? Slot = null);

/// <summary>The rules of discount codes: known, not expired, minimum subtotal met, per-customer limit not reached.</summary>
public sealed class Discounts(IDbContextFactory<OrdersDbContext> factory, TimeProvider time)
{
    public const string NotFound = "DISCOUNT_CODE_NOT_FOUND";
    public const string Expired = "DISCOUNT_CODE_EXPIRED";
    public const string MinimumNotMet = "DISCOUNT_MINIMUM_NOT_MET";
    public const string LimitReached = "DISCOUNT_LIMIT_REACHED";

    public static string Normalize(string code) => code.Trim().ToUpperInvariant();

    /// <summary>The discount for a subtotal, or the reason the code does not apply.</summary>
    public async Task<(AppliedDiscount? Discount, UserError? Error)> EvaluateAsync(string code, decimal subtotal, string? userId, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var normalized = Normalize(code);
        var rule = await db.DiscountCodes.AsNoTracking().SingleOrDefaultAsync(c => c.Code == normalized, cancellationToken);
        if (rule is null)
            return (null, new UserError(NotFound, $"There is no discount code '{normalized}'.", ["input", "code"]));
        if (rule.ExpiresAt is { } expires && expires <= time.GetUtcNow())
            return (null, new UserError(Expired, $"The code {rule.Code} expired on {expires:yyyy-MM-dd}.", ["input", "code"]));
        if (subtotal < rule.MinimumSubtotal)
            return (null, new UserError(MinimumNotMet, $"The code {rule.Code} needs a subtotal of at least {rule.MinimumSubtotal:0.00}.", ["input", "code"]));
        int? slot = null;
        if (rule.PerCustomerLimit is { } limit && userId is not null)
        {
            var taken = await db.DiscountRedemptions.Where(r => r.Code == rule.Code && r.UserId == userId).Select(r => r.Slot).ToListAsync(cancellationToken);
            if (taken.Count >= limit)
                return (null, new UserError(LimitReached, $"The code {rule.Code} can be used {limit} time(s) per customer.", ["input", "code"]));
            // The first use not taken: an order placed at the same time that takes it too is refused by its unique index.
            slot = Enumerable.Range(1, limit).First(s => !taken.Contains(s));
        }

        var amount = rule.Kind switch
        {
            DiscountKind.Percentage => Math.Round(subtotal * rule.Value / 100m, 2, MidpointRounding.AwayFromZero),
            DiscountKind.FixedAmount => rule.Value,
            _ => 0m,
        };
        // Codes are written by hand: a value past its sense (over 100%, below zero) takes at most
        // the goods off, never the shipping or more, and never adds to what the shopper pays.
        amount = Math.Clamp(amount, 0m, subtotal);
        return (new AppliedDiscount(rule.Code, rule.Description, amount, rule.Kind == DiscountKind.FreeShipping, slot), null);
    }
}
