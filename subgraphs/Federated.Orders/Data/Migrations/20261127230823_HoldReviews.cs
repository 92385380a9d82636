using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Federated.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class HoldReviews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Review_Decision",
                schema: "orders",
                table: "orders",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Review_Note",
                schema: "orders",
                table: "orders",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "Review_ReviewedAt",
                schema: "orders",
                table: "orders",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Review_ReviewedBy",
                schema: "orders",
                table: "orders",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Review_Decision",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Review_Note",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Review_ReviewedAt",
                schema: "orders",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "Review_ReviewedBy",
                schema: "orders",
                table: "orders");
        }
    }
}
