namespace Federated.Orders.Fulfillment;

/// <summary>
/// Takes a fulfillment wave every <c>Orders:Fulfillment:WaveInterval</c>, and another at once
/// while waves come back full, on <c>Orders:Fulfillment:ConcurrentWaves</c> loops: a wave
/// spends much of its time waiting on the catalog, the payment provider and PostgreSQL, and on a
/// busy machine one loop at a time fell behind a checkout of a hundred orders a second. Every
/// running instance does the same; <see cref="FulfillmentProcess"/> keeps waves from sharing an order.
/// </summary>
public sealed class FulfillmentWaves(FulfillmentProcess fulfillment, ILogger<FulfillmentWaves> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        fulfillment.Enabled ? Task.WhenAll(Enumerable.Range(0, fulfillment.ConcurrentWaves).Select(_ => LoopAsync(stoppingToken))) : Task.CompletedTask;

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(fulfillment.WaveInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                while (await fulfillment.TakeWaveAsync(stoppingToken) == fulfillment.WaveSize)
                {
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "A fulfillment wave failed and was rolled back; trying again");
            }
        }
    }
}
