using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federated.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class OrderAllocation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Allocation",
                schema: "orders",
                table: "orders",
                type: "jsonb",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Allocation",
                schema: "orders",
                table: "orders");
        }
    }
}
