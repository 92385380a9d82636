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
            migrationBuilder.CreateIndex(
                name: "IX_shipments_TrackingNumber",
                schema: "orders",
                table: "shipments",
                column: "TrackingNumber",
                unique: true,
                filter: "\"TrackingNumber\" is not null");
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
