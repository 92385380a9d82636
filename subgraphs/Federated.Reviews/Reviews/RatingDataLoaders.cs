using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Reviews.Data;
using Npgsql;

namespace Federated.Reviews.Reviews;

public sealed class RatingByProductDataLoader(NpgsqlDataSource dataSource, KitCounters counters)
    : BatchDataLoader<string, RatingSummary>(counters)
{
    protected override async Task<IReadOnlyDictionary<string, RatingSummary>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"select product_id, rating, count(*)::int from {ReviewsStore.Table} where product_id = any(@ids) group by product_id, rating");
        command.Parameters.AddWithValue("ids", keys.ToArray());

        var histograms = keys.ToDictionary(k => k, _ => new int[5]);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            histograms[reader.GetString(0)][reader.GetInt32(1) - 1] = reader.GetInt32(2);

        return histograms.ToDictionary(h => h.Key, h => RatingSummary.FromHistogram(h.Value));
    }
}
