using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federated.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class HeldAt : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "HeldAt",
                schema: "orders",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_orders_HeldAt_Id_OnHold",
                schema: "orders",
                table: "orders",
                columns: new[] { "HeldAt", "Id" },
                filter: "\"Status\" = 'OnHold'");

            // Orders already on hold join the queue as of their last change (for one held at
            // placement and not changed since, when it was placed).
            migrationBuilder.Sql("""
                update orders.orders set "HeldAt" = "UpdatedAt" where "Status" = 'OnHold';
                """);

            // Whenever a row's status becomes OnHold, however it is written (placement's accept,
            // a fulfillment wave, a payment webhook, a 3-D Secure answer), and when an order on
            // hold is held again for another reason (its money given back at the provider): it
            // waits for a new review. The function runs only for those rows, the triggers'
            // conditions being checked first.
            migrationBuilder.Sql("""
                create function orders.orders_held_at() returns trigger language plpgsql as $$
                begin
                  new."HeldAt" := clock_timestamp();
                  return new;
                end $$;
                create trigger orders_held_at_insert before insert on orders.orders
                  for each row when (new."Status" = 'OnHold') execute function orders.orders_held_at();
                create trigger orders_held_at_update before update of "Status", "HoldReason" on orders.orders
                  for each row when (new."Status" = 'OnHold' and (old."Status" <> 'OnHold' or new."HoldReason" is distinct from old."HoldReason"))
                  execute function orders.orders_held_at();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                drop trigger orders_held_at_update on orders.orders;
                drop trigger orders_held_at_insert on orders.orders;
                drop function orders.orders_held_at();
                """);

            migrationBuilder.DropIndex(
                name: "IX_orders_HeldAt_Id_OnHold",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "HeldAt",
                schema: "orders",
                table: "orders");
        }
    }
}
