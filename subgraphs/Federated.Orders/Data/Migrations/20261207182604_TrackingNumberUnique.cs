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
            // Built concurrently, outside the migration's transaction: on a store with millions
            // of parcels a plain build would hold off the fulfillment waves' writes to shipments
            // for as long as it runs. A concurrent build cut short leaves an invalid index of
            // that name, dropped here before the build is tried again. A repeat among the
            // parcels already shipped fails the build, and the migration with it, with the
            // number in the error: the index is not made over data it does not hold for.
            migrationBuilder.Sql("""
                do $$
                begin
                  if exists (select 1 from pg_index i join pg_class c on c.oid = i.indexrelid join pg_namespace n on n.oid = c.relnamespace
                             where n.nspname = 'orders' and c.relname = 'IX_shipments_TrackingNumber' and not i.indisvalid) then
                    drop index orders."IX_shipments_TrackingNumber";
                  end if;
                end $$;
                """, suppressTransaction: true);
            migrationBuilder.Sql("""
                create unique index concurrently if not exists "IX_shipments_TrackingNumber"
                on orders.shipments ("TrackingNumber") where "TrackingNumber" is not null;
                """, suppressTransaction: true);
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
