using Microsoft.EntityFrameworkCore;

namespace Federated.Orders.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public const string Schema = "orders";

    public DbSet<DiscountCode> DiscountCodes => Set<DiscountCode>();

    public DbSet<DiscountRedemption> DiscountRedemptions => Set<DiscountRedemption>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDefaultSchema(Schema);

        model.Entity<DiscountCode>(code =>
        {
            code.ToTable("discount_codes");
            code.HasKey(c => c.Code);
            code.Property(c => c.Code).HasMaxLength(32);
            code.Property(c => c.Description).HasMaxLength(200);
            code.Property(c => c.Kind).HasConversion<string>().HasMaxLength(16);
            code.Property(c => c.Value).HasPrecision(12, 2);
            code.Property(c => c.MinimumSubtotal).HasPrecision(12, 2);
        });

        model.Entity<DiscountRedemption>(redemption =>
        {
            redemption.ToTable("discount_redemptions");
            redemption.HasKey(r => new { r.OrderId, r.Code });
            redemption.Property(r => r.Code).HasMaxLength(32);
            redemption.Property(r => r.UserId).HasMaxLength(64);
            redemption.Property(r => r.OrderId).HasMaxLength(64);
            redemption.HasIndex(r => new { r.Code, r.UserId });
        });
    }
}
