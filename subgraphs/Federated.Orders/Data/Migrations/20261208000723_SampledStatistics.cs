using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federated.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class SampledStatistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // ANALYZE of the tables that grow by rows per order reads a sample of 300 rows per
            // unit of the largest statistics target of their columns: 30,000 at the default
            // (100), which took 560 ms of a core for a million orders (and comes due about every
            // 70 s at 280 orders a second), 33 ms at 10. Every query of them goes by a key or a
            // partial index, whose plans do not turn on the finer distribution
            // (Federated.Kit.Hosting.PostgresStore.SampledStatisticsTarget; a column or table
            // added later needs the same, OrderStatisticsTests).
            migrationBuilder.Sql(SetStatistics(10));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(SetStatistics(-1));
        }

        private static string SetStatistics(int target) => $$"""
            do $$
            declare
              t regclass;
              c name;
            begin
              for t, c in
                select a.attrelid::regclass, a.attname from pg_attribute a
                where a.attrelid in ('orders.orders'::regclass, 'orders.order_lines'::regclass,
                    'orders.payments'::regclass, 'orders.payment_events'::regclass,
                    'orders.refunds'::regclass, 'orders.shipments'::regclass,
                    'orders.shipment_events'::regclass, 'orders.discount_redemptions'::regclass)
                  and a.attnum > 0 and not a.attisdropped
              loop
                execute format('alter table %s alter column %I set statistics {{target}}', t, c);
              end loop;
            end $$;
            """;
    }
}
