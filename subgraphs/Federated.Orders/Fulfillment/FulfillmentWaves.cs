namespace Federated.Orders.Fulfillment;

/// <summary>
/// Takes a fulfillment wave every <c>Orders:Fulfillment:WaveInterval</c>, and another at once
/// while waves come back full. Every running instance does; <see cref="FulfillmentProcess"/>
/// keeps them from sharing an order.
/// </summary>
public sealed class FulfillmentWaves(FulfillmentProcess fulfillment, ILogger<FulfillmentWaves> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!fulfillment.Enabled)
            return;
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
