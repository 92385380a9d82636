using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federated.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrderQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The queue an order waits in, from its status, kept by a trigger however a row is
            // written (EF Core, placement's and the waves' own statements): the indexes that find
            // orders due for work filter on it, so that none holds a column a fulfillment step
            // changes and those steps are HOT updates (OrdersDbContext.QueueColumn). The column is
            // added without a default, which rewrites nothing; the trigger runs in the statement
            // that writes the row, whatever writes it.
            migrationBuilder.AddColumn<string>(
                name: "Queue",
                schema: "orders",
                table: "orders",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.Sql("""
                create function orders.orders_queue() returns trigger language plpgsql as $$
                begin
                  new."Queue" := case new."Status"
                    when 'Pending' then 'pending'
                    when 'Paid' then 'fulfillment'
                    when 'Fulfilling' then 'fulfillment'
                    when 'Shipped' then 'fulfillment'
                    when 'OnHold' then 'held'
                  end;
                  return new;
                end $$;
                create trigger orders_queue_insert before insert on orders.orders
                  for each row execute function orders.orders_queue();
                create trigger orders_queue_update before update of "Status" on orders.orders
                  for each row when (new."Status" is distinct from old."Status") execute function orders.orders_queue();
                """);

            // The orders waiting now, found by the status index while it is still there (on a
            // large store the rest, with nothing more to wait for, stay null and are not read).
            migrationBuilder.Sql("""
                update orders.orders set "Queue" = case "Status"
                    when 'Pending' then 'pending' when 'OnHold' then 'held' else 'fulfillment' end
                where "Status" in ('Pending', 'Paid', 'Fulfilling', 'Shipped', 'OnHold');
                """);

            // Built in the migration's transaction, under EF's migration lock, as the indexes they
            // replace were: each build reads the whole table once and holds off writes to orders
            // while it runs (seconds for a million orders; on a much larger store, migrate at a
            // quiet hour). Two of them keep their names, which the code refers to.
            migrationBuilder.DropIndex(
                name: "IX_orders_HeldAt_Id_OnHold",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_orders_Status_UpdatedAt",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_orders_UserId_Pending",
                schema: "orders",
                table: "orders");

            migrationBuilder.CreateIndex(
                name: "IX_orders_HeldAt_Id_OnHold",
                schema: "orders",
                table: "orders",
                columns: new[] { "HeldAt", "Id" },
                filter: "\"Queue\" = 'held'");

            migrationBuilder.CreateIndex(
                name: "IX_orders_PlacedAt_Fulfillment",
                schema: "orders",
                table: "orders",
                column: "PlacedAt",
                filter: "\"Queue\" = 'fulfillment'");

            migrationBuilder.CreateIndex(
                name: "IX_orders_UserId_Pending",
                schema: "orders",
                table: "orders",
                column: "UserId",
                unique: true,
                filter: "\"Queue\" = 'pending'");

            // Room for an order's and a parcel's next versions in their pages (OrdersDbContext.OrdersFillFactor):
            // pages written from now on; the ones already full are not rewritten.
            migrationBuilder.AlterTable(
                name: "orders",
                schema: "orders")
                .Annotation("Npgsql:StorageParameter:fillfactor", 75);

            migrationBuilder.AlterTable(
                name: "shipments",
                schema: "orders")
                .Annotation("Npgsql:StorageParameter:fillfactor", 85);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_orders_HeldAt_Id_OnHold",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_orders_PlacedAt_Fulfillment",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropIndex(
                name: "IX_orders_UserId_Pending",
                schema: "orders",
                table: "orders");

            migrationBuilder.Sql("""
                drop trigger orders_queue_update on orders.orders;
                drop trigger orders_queue_insert on orders.orders;
                drop function orders.orders_queue();
                """);

            migrationBuilder.DropColumn(
                name: "Queue",
                schema: "orders",
                table: "orders");

            migrationBuilder.AlterTable(
                name: "orders",
                schema: "orders")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 75);

            migrationBuilder.AlterTable(
                name: "shipments",
                schema: "orders")
                .OldAnnotation("Npgsql:StorageParameter:fillfactor", 85);

            migrationBuilder.CreateIndex(
                name: "IX_orders_HeldAt_Id_OnHold",
                schema: "orders",
                table: "orders",
                columns: new[] { "HeldAt", "Id" },
                filter: "\"Status\" = 'OnHold'");

            migrationBuilder.CreateIndex(
                name: "IX_orders_Status_UpdatedAt",
                schema: "orders",
                table: "orders",
                columns: new[] { "Status", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_orders_UserId_Pending",
                schema: "orders",
                table: "orders",
                column: "UserId",
                unique: true,
                filter: "\"Status\" = 'Pending'");
        }
    }
}
