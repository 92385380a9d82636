using Federated.Tests.Infrastructure;

namespace Federated.Tests.Orders;

/// <summary>How an orders instance starts on a database at work.</summary>
[Collection(FederatedCollection.Name)]
public sealed class OrdersStartupTests(FederatedStack stack)
{
    /// <summary>
    /// An instance starting while other transactions write orders and the simulated provider's
    /// ledger, events and refunds starts without waiting for them: the provider's start-up DDL
    /// adds a column or an index only when it is missing. Before, every start took the ledger's
    /// and the events' ACCESS EXCLUSIVE locks (add column if not exists), waiting for every open
    /// payment write, with every authorization and webhook queued behind it.
    /// </summary>
    [Fact]
    public async Task AnInstanceStartingBesideOpenWrites_DoesNotWaitForThem()
    {
        using var instance = await stack.StartBesideOpenWritesAsync(ServiceNames.Orders, "orders-beside-writes",
            "orders.orders", "orders.payments", "orders.simulated_provider_ledger", "orders.simulated_provider_events", "orders.simulated_provider_refunds");

        Assert.Empty((await stack.PostAsync("orders-beside-writes", "{ __typename }")).ErrorCodes);
    }
}
