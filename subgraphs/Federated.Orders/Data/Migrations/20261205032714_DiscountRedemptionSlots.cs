using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federated.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class DiscountRedemptionSlots : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_discount_redemptions_Code_UserId",
                schema: "orders",
                table: "discount_redemptions");

            migrationBuilder.AddColumn<int>(
                name: "Slot",
                schema: "orders",
                table: "discount_redemptions",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_discount_redemptions_Code_UserId_Slot",
                schema: "orders",
                table: "discount_redemptions",
                columns: new[] { "Code", "UserId", "Slot" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_discount_redemptions_Code_UserId_Slot",
                schema: "orders",
                table: "discount_redemptions");

            migrationBuilder.DropColumn(
                name: "Slot",
                schema: "orders",
                table: "discount_redemptions");

            migrationBuilder.CreateIndex(
                name: "IX_discount_redemptions_Code_UserId",
                schema: "orders",
                table: "discount_redemptions",
                columns: new[] { "Code", "UserId" });
        }
    }
}
