using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Npgsql;

namespace Federated.Catalog.Inventory;

/// <summary>Units available (on hand minus reserved, across fulfillment centers) of many SKUs in one query.</summary>
public sealed class QuantityBySkuDataLoader(NpgsqlDataSource dataSource, KitCounters counters)
    : BatchDataLoader<string, int>(counters)
{
    protected override Task<IReadOnlyDictionary<string, int>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        InventoryQueries.SumAvailableAsync(dataSource, "sku", keys, cancellationToken);
}

/// <summary>Units available of many products (all their variants) in one query: what availability is computed from.</summary>
public sealed class QuantityByProductDataLoader(NpgsqlDataSource dataSource, KitCounters counters)
    : BatchDataLoader<string, int>(counters)
{
    protected override Task<IReadOnlyDictionary<string, int>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        InventoryQueries.SumAvailableAsync(dataSource, "product_id", keys, cancellationToken);
}

internal static class InventoryQueries
{
    /// <summary>
    /// Keys without inventory rows are absent from the result: nothing available. A sum past the
    /// largest 32-bit count (a product's variants, each within what its centers may hold) is that
    /// count: it was an error that took the whole product with it.
    /// </summary>
    public static async Task<IReadOnlyDictionary<string, int>> SumAvailableAsync(
        NpgsqlDataSource dataSource, string keyColumn, IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select {keyColumn}, least(sum(on_hand - reserved), {int.MaxValue})::int from {InventoryTable.Name} where {keyColumn} = any($1) group by {keyColumn}");
        command.Parameters.Add(new NpgsqlParameter { Value = keys.ToArray() });
        var result = new Dictionary<string, int>(keys.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            result[reader.GetString(0)] = reader.GetInt32(1);
        return result;
    }
}

/// <summary>The stock of many SKUs per fulfillment center, in one query.</summary>
public sealed class StockLevelsBySkuDataLoader(NpgsqlDataSource dataSource, KitCounters counters)
    : GroupedDataLoader<string, (string Sku, StockLevel Level)>(counters)
{
    protected override async Task<IEnumerable<(string Sku, StockLevel Level)>> LoadRowsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select sku, fulfillment_center, on_hand, reserved from {InventoryTable.Name} where sku = any($1) order by sku, fulfillment_center");
        command.Parameters.Add(new NpgsqlParameter { Value = keys.ToArray() });
        var rows = new List<(string, StockLevel)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            rows.Add((reader.GetString(0), new StockLevel(reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3))));
        return rows;
    }

    protected override string KeyOf((string Sku, StockLevel Level) row) => row.Sku;
}
