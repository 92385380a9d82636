using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federated.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class TrackingNumberUnique : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // In the migration's transaction, under EF's migration lock, so instances starting
            // together build it once. The build holds off writes to shipments (the fulfillment
            // waves') while it runs: on a store with millions of parcels, build it first by hand
            // with CREATE UNIQUE INDEX CONCURRENTLY under this name and definition, and this
            // finds it. An invalid index of that name (a concurrent build cut short) is dropped
            // and built again. A repeat among the parcels already shipped fails the build, and
            // the migration with it, naming the number.
            migrationBuilder.Sql("""
                do $$
                begin
                  if exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
                             where n.nspname = 'orders' and c.relname = 'IX_shipments_TrackingNumber' and not i.indisvalid) then
                    drop index orders."IX_shipments_TrackingNumber";
                  end if;
                end $$;
                create unique index if not exists "IX_shipments_TrackingNumber"
                on orders.shipments ("TrackingNumber") where "TrackingNumber" is not null;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_shipments_TrackingNumber",
                schema: "orders",
                table: "shipments");
        }
    }
}
