using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Federated.Orders.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public const string Schema = "orders";

    /// <summary>The unique index of a customer's one order in placement (Pending).</summary>
    public const string PendingPerCustomerIndex = "IX_orders_UserId_Pending";

    /// <summary>The review queue: orders on hold by when they went on hold.</summary>
    public const string HeldQueueIndex = "IX_orders_HeldAt_Id_OnHold";

    /// <summary>
    /// The triggers that set <see cref="Order.HeldAt"/> when a row's status becomes OnHold (on
    /// insert, and on an update from another status), created by the HeldAt migration. Only
    /// those rows call the function: the trigger's condition is checked first.
    /// </summary>
    public const string HeldAtTrigger = "orders.orders_held_at";

    /// <summary>
    /// The queue an order in placement or on hold waits in: <see cref="PendingQueue"/>,
    /// <see cref="HeldQueue"/>, or null for every other status. A column of its own, written
    /// only by the trigger <see cref="QueueTrigger"/> (EF Core never writes it), so that the
    /// indexes finding those orders filter on it and not on the status, and the orders in
    /// fulfillment are found in <see cref="FulfillmentQueueTable"/>: no index of the orders table
    /// holds a column a fulfillment step changes (the status, the time of the last change), so
    /// an order's steps from paid to delivered are HOT updates, written in the table's page with
    /// no new entry in any of its indexes. Before the twenty-sixth session every change of an
    /// order wrote a new entry in each of its five indexes.
    /// </summary>
    public const string QueueColumn = "Queue";

    public const string PendingQueue = "pending";
    public const string HeldQueue = "held";

    /// <summary>The trigger that sets <see cref="QueueColumn"/> from the status, on insert and on every update of the status (the OrderQueue migration).</summary>
    public const string QueueTrigger = "orders.orders_queue";

    /// <summary>
    /// The fulfillment waves' queue: a row per order paid, packed or shipped, with the time of
    /// its last change, indexed by that time, so that a wave reads the orders due and no others.
    /// Kept by the trigger <see cref="FulfillmentQueueTrigger"/> on every write of an order's
    /// status or time of last change, in the same transaction (the OrderQueue migration); a
    /// narrow table whose rows come and go, where the orders table's rows stay.
    /// </summary>
    public const string FulfillmentQueueTable = "orders.fulfillment_queue";

    public const string FulfillmentQueueTrigger = "orders.orders_fulfillment_queue";

    /// <summary>
    /// Room left in each page of the orders table when rows are inserted (a percentage filled):
    /// an order changes a few times after it is placed, and a change is a HOT update only when
    /// its new version fits in the same page.
    /// </summary>
    public const int OrdersFillFactor = 75;

    /// <summary>As <see cref="OrdersFillFactor"/>, for the parcels.</summary>
    public const int ShipmentsFillFactor = 85;

    public DbSet<DiscountCode> DiscountCodes => Set<DiscountCode>();

    public DbSet<DiscountRedemption> DiscountRedemptions => Set<DiscountRedemption>();

    public DbSet<Order> Orders => Set<Order>();

    public DbSet<Payment> Payments => Set<Payment>();

    public DbSet<PaymentEvent> PaymentEvents => Set<PaymentEvent>();

    public DbSet<Refund> Refunds => Set<Refund>();

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
            redemption.HasIndex(r => new { r.Code, r.UserId, r.Slot }).IsUnique();
        });

        model.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Id).HasMaxLength(64);
            order.Property(o => o.Number).HasMaxLength(32);
            order.HasIndex(o => o.Number).IsUnique();
            order.Property(o => o.UserId).HasMaxLength(64);
            order.Property(o => o.IdempotencyKey).HasMaxLength(100);
            order.HasIndex(o => new { o.UserId, o.IdempotencyKey }).IsUnique();
            var queue = order.Property<string?>(QueueColumn).HasMaxLength(16).Metadata;
            queue.SetBeforeSaveBehavior(PropertySaveBehavior.Ignore);
            queue.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);
            // One order at a time being placed per customer (they have one cart): the database's
            // guarantee under the cart's claim in Redis, which a lost key or an expired lease would void.
            order.HasIndex(o => o.UserId).IsUnique().HasFilter($"\"{QueueColumn}\" = '{PendingQueue}'").HasDatabaseName(PendingPerCustomerIndex);
            order.HasIndex(o => new { o.UserId, o.PlacedAt });
            order.HasIndex(o => new { o.HeldAt, o.Id }).HasFilter($"\"{QueueColumn}\" = '{HeldQueue}'").HasDatabaseName(HeldQueueIndex);
            order.HasStorageParameter("fillfactor", OrdersFillFactor);
            order.Property(o => o.RequestHash).HasMaxLength(64);
            order.Property(o => o.Status).HasConversion<string>().HasMaxLength(32);
            order.Property(o => o.CurrencyCode).HasMaxLength(3);
            foreach (var money in new[] { nameof(Order.Subtotal), nameof(Order.Discount), nameof(Order.Shipping), nameof(Order.Tax), nameof(Order.Total) })
                order.Property(money).HasPrecision(12, 2);
            order.Property(o => o.DiscountCode).HasMaxLength(32);
            order.Property(o => o.ShippingRateId).HasMaxLength(80);
            order.Property(o => o.Carrier).HasMaxLength(40);
            order.Property(o => o.ShippingService).HasMaxLength(80);
            order.Property(o => o.FailureCode).HasMaxLength(64);
            // The catalog's refusal names every line it refused (a cart holds at most 100): longer than a
            // sentence. Messages are clamped to this when recorded (Order.MaxFailureMessage).
            order.Property(o => o.FailureMessage).HasMaxLength(Order.MaxFailureMessage);
            order.Property(o => o.HoldReason).HasMaxLength(Order.MaxHoldReason);
            order.Property(o => o.Version).IsRowVersion();
            // A few (SKU, center, quantity) triples written once with the order and read with it: a JSON column, not a table.
            order.OwnsMany(o => o.Allocation, allocation => allocation.ToJson());
            order.OwnsOne(o => o.ShippingAddress, address =>
            {
                address.Property(a => a.Name).HasMaxLength(100);
                address.Property(a => a.Line1).HasMaxLength(200);
                address.Property(a => a.Line2).HasMaxLength(200);
                address.Property(a => a.City).HasMaxLength(100);
                address.Property(a => a.Region).HasMaxLength(100);
                address.Property(a => a.PostalCode).HasMaxLength(20);
                address.Property(a => a.Country).HasMaxLength(2);
            });
            order.OwnsOne(o => o.Review, review =>
            {
                review.Property(r => r.Decision).HasConversion<string>().HasMaxLength(16);
                review.Property(r => r.ReviewedBy).HasMaxLength(64);
                review.Property(r => r.Note).HasMaxLength(500);
            });
            order.HasMany(o => o.Lines).WithOne().HasForeignKey(l => l.OrderId).OnDelete(DeleteBehavior.Cascade);
            order.HasOne(o => o.Payment).WithOne().HasForeignKey<Payment>(p => p.OrderId).OnDelete(DeleteBehavior.Cascade);
            order.HasMany(o => o.Shipments).WithOne().HasForeignKey(s => s.OrderId).OnDelete(DeleteBehavior.Cascade);
            order.HasMany(o => o.Refunds).WithOne().HasForeignKey(r => r.OrderId).OnDelete(DeleteBehavior.Cascade);
        });

        model.Entity<Refund>(refund =>
        {
            refund.ToTable("refunds");
            refund.HasKey(r => r.Id);
            refund.Property(r => r.Id).HasMaxLength(64);
            refund.Property(r => r.OrderId).HasMaxLength(64);
            refund.Property(r => r.IdempotencyKey).HasMaxLength(100);
            refund.HasIndex(r => new { r.OrderId, r.IdempotencyKey }).IsUnique();
            refund.Property(r => r.RequestHash).HasMaxLength(64);
            refund.Property(r => r.Status).HasConversion<string>().HasMaxLength(16);
            foreach (var money in new[] { nameof(Refund.Subtotal), nameof(Refund.Discount), nameof(Refund.Shipping), nameof(Refund.Tax), nameof(Refund.Amount) })
                refund.Property(money).HasPrecision(12, 2);
            refund.Property(r => r.CurrencyCode).HasMaxLength(3);
            refund.Property(r => r.Reason).HasMaxLength(Refund.MaxReason);
            refund.Property(r => r.RefundedBy).HasMaxLength(64);
            refund.Property(r => r.ProviderReference).HasMaxLength(64);
            refund.Property(r => r.FailureReason).HasMaxLength(64);
            // At most one (SKU, quantity) pair per line of the order, written once: a JSON column, as the allocation.
            refund.OwnsMany(r => r.Units, units => units.ToJson());
        });

        model.Entity<OrderLine>(line =>
        {
            line.ToTable("order_lines");
            line.HasKey(l => new { l.OrderId, l.Position });
            line.Property(l => l.Sku).HasMaxLength(64);
            line.Property(l => l.ProductId).HasMaxLength(64);
            // "{product name} ({variant title})": the catalog allows 200 characters for each.
            line.Property(l => l.Title).HasMaxLength(OrderLine.MaxTitle);
            line.Property(l => l.UnitPrice).HasPrecision(12, 2);
            line.Property(l => l.Total).HasPrecision(12, 2);
            line.Property(l => l.CurrencyCode).HasMaxLength(3);
        });

        model.Entity<Shipment>(shipment =>
        {
            shipment.ToTable("shipments");
            shipment.HasKey(s => s.Id);
            shipment.Property(s => s.Id).HasMaxLength(64);
            shipment.Property(s => s.OrderId).HasMaxLength(64);
            shipment.Property(s => s.FulfillmentCenter).HasMaxLength(32);
            shipment.Property(s => s.Carrier).HasMaxLength(40);
            shipment.Property(s => s.Service).HasMaxLength(80);
            shipment.Property(s => s.TrackingNumber).HasMaxLength(40);
            // No two parcels share a tracking number: a wave that draws one already given is
            // refused whole and writes its orders one by one, each drawing new numbers
            // (FulfillmentProcess.TakeWaveAsync).
            shipment.HasIndex(s => s.TrackingNumber).IsUnique().HasFilter("\"TrackingNumber\" is not null");
            shipment.Property(s => s.Status).HasConversion<string>().HasMaxLength(16);
            shipment.HasMany(s => s.Events).WithOne().HasForeignKey(e => e.ShipmentId).OnDelete(DeleteBehavior.Cascade);
            // A parcel changes twice after it is packed (handed to the carrier, then delivered):
            // room in its page makes the second, which changes no indexed column, a HOT update
            // (OrdersFillFactor). Full pages made 94% of them write a new entry in each index.
            shipment.HasStorageParameter("fillfactor", ShipmentsFillFactor);
        });

        model.Entity<ShipmentEvent>(shipmentEvent =>
        {
            shipmentEvent.ToTable("shipment_events");
            shipmentEvent.HasKey(e => new { e.ShipmentId, e.Sequence });
            shipmentEvent.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
            shipmentEvent.Property(e => e.Description).HasMaxLength(200);
            // A fulfillment center, or the delivery's "{city}, {country}" (a city takes up to 100).
            shipmentEvent.Property(e => e.Location).HasMaxLength(200);
        });

        model.Entity<Payment>(payment =>
        {
            payment.ToTable("payments");
            payment.HasKey(p => p.OrderId);
            payment.Property(p => p.Provider).HasMaxLength(32);
            payment.Property(p => p.CardToken).HasMaxLength(64);
            // No index on the card: the fraud rules count a card's orders among the customer's own
            // (orders by UserId and PlacedAt), and an index with UpdatedAt in it took a new entry at
            // every change of a payment (authorized, captured), with no query reading it.
            payment.Property(p => p.Status).HasConversion<string>().HasMaxLength(32);
            payment.Property(p => p.Amount).HasPrecision(12, 2);
            // Placement's hand-written insert leaves it to this default.
            payment.Property(p => p.Refunded).HasPrecision(12, 2).HasDefaultValue(0m);
            payment.Property(p => p.CurrencyCode).HasMaxLength(3);
            payment.Property(p => p.ProviderReference).HasMaxLength(64);
            payment.Property(p => p.ChallengeId).HasMaxLength(64);
            payment.Property(p => p.DeclineReason).HasMaxLength(64);
        });

        model.Entity<PaymentEvent>(paymentEvent =>
        {
            paymentEvent.ToTable("payment_events");
            paymentEvent.HasKey(e => e.EventId);
            paymentEvent.Property(e => e.EventId).HasMaxLength(64);
            paymentEvent.Property(e => e.OrderId).HasMaxLength(64);
            paymentEvent.Property(e => e.Type).HasMaxLength(64);
            paymentEvent.HasIndex(e => new { e.OrderId, e.Sequence });
        });
    }
}
