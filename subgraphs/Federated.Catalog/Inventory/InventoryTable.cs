using Federated.Kit.Hosting;
using Npgsql;

namespace Federated.Catalog.Inventory;

/// <summary>
/// Stock lives in a plain table beside Marten's documents, not in them: reservations change
/// one row at a time with a conditional update (<c>on_hand - reserved &gt;= @q</c>), which
/// row locks make atomic under any concurrency. The check constraint is the last line of
/// defence: no statement can leave more reserved than on hand.
/// </summary>
public sealed class InventoryTable(NpgsqlDataSource dataSource) : IStartupTask
{
    public const string Name = CatalogExtensions.ServiceName + ".inventory";

    /// <summary>The check constraint that no statement can leave more reserved than on hand.</summary>
    public const string QuantitiesValid = "inventory_quantities_valid";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Instances starting at once take turns: two creating one table at once can fail.
        await using var command = dataSource.CreateCommand($"""
            select pg_advisory_xact_lock(hashtext('{Name}'));
            create schema if not exists {CatalogExtensions.ServiceName};
            create table if not exists {Name} (
                sku text not null,
                fulfillment_center text not null,
                product_id text not null,
                on_hand integer not null,
                reserved integer not null default 0,
                primary key (sku, fulfillment_center),
                constraint {QuantitiesValid} check (reserved >= 0 and on_hand >= reserved)
            );
            {PostgresStore.CreateIndexIfMissingSql("inventory_product_id", Name, "(product_id)")}
            """);
        // An index missing on a large table takes minutes to build; a timeout would fail every start.
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
