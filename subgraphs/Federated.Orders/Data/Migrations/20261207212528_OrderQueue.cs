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
            // Where the orders due for work are found, kept by triggers however a row is written
            // (EF Core, placement's and the waves' own statements), so that no index of the orders
            // table holds a column a fulfillment step changes and those steps are HOT updates
            // (OrdersDbContext.QueueColumn): a column naming the queue of an order in placement or
            // on hold, added without a default (which rewrites nothing), and a narrow table of
            // the orders in fulfillment with the time of their last change, which the waves read
            // by that time (OrdersDbContext.FulfillmentQueueTable).
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
                  new."Queue" := case new."Status" when 'Pending' then 'pending' when 'OnHold' then 'held' end;
                  return new;
                end $$;
                create trigger orders_queue_insert before insert on orders.orders
                  for each row execute function orders.orders_queue();
                create trigger orders_queue_update before update of "Status" on orders.orders
                  for each row when (new."Status" is distinct from old."Status") execute function orders.orders_queue();

                create table orders.fulfillment_queue (
                  order_id character varying(64) primary key,
                  updated_at timestamp with time zone not null
                );
                create index fulfillment_queue_updated_at on orders.fulfillment_queue (updated_at);
                create function orders.orders_fulfillment_queue() returns trigger language plpgsql as $$
                begin
                  if tg_op = 'DELETE' then
                    delete from orders.fulfillment_queue where order_id = old."Id";
                  elsif new."Status" in ('Paid', 'Fulfilling', 'Shipped') then
                    insert into orders.fulfillment_queue (order_id, updated_at) values (new."Id", new."UpdatedAt")
                    on conflict (order_id) do update set updated_at = excluded.updated_at;
                  elsif tg_op = 'UPDATE' and old."Status" in ('Paid', 'Fulfilling', 'Shipped') then
                    delete from orders.fulfillment_queue where order_id = new."Id";
                  end if;
                  return null;
                end $$;
                create trigger orders_fulfillment_queue_insert after insert on orders.orders
                  for each row when (new."Status" in ('Paid', 'Fulfilling', 'Shipped')) execute function orders.orders_fulfillment_queue();
                create trigger orders_fulfillment_queue_update after update of "Status", "UpdatedAt" on orders.orders
                  for each row when (new."Status" is distinct from old."Status" or new."UpdatedAt" is distinct from old."UpdatedAt")
                  execute function orders.orders_fulfillment_queue();
                create trigger orders_fulfillment_queue_delete after delete on orders.orders
                  for each row when (old."Status" in ('Paid', 'Fulfilling', 'Shipped')) execute function orders.orders_fulfillment_queue();
                """);

            // The orders waiting now, found by the status index while it is still there (on a
            // large store the rest, with nothing more to wait for, are not read).
            migrationBuilder.Sql("""
                update orders.orders set "Queue" = case "Status" when 'Pending' then 'pending' else 'held' end
                where "Status" in ('Pending', 'OnHold');
                insert into orders.fulfillment_queue (order_id, updated_at)
                select "Id", "UpdatedAt" from orders.orders where "Status" in ('Paid', 'Fulfilling', 'Shipped');
                """);

            // Built in the migration's transaction, under EF's migration lock, as the indexes they
            // replace were: each build reads the whole table once. The new column and the dropped
            // indexes lock the table against reads and writes until the migration commits (seconds
            // for a million orders; on a much larger store, migrate at a quiet hour). Both keep
            // their names, which the code refers to.
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
                name: "IX_orders_UserId_Pending",
                schema: "orders",
                table: "orders");

            migrationBuilder.Sql("""
                drop trigger orders_fulfillment_queue_delete on orders.orders;
                drop trigger orders_fulfillment_queue_update on orders.orders;
                drop trigger orders_fulfillment_queue_insert on orders.orders;
                drop function orders.orders_fulfillment_queue();
                drop table orders.fulfillment_queue;
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
