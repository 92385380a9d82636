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

    /// <summary>
    /// An instance's first start, on a new database, logs no error, and logs its migrations as
    /// they are applied: until the twenty-eighth session EF Core's read of the migrations'
    /// history, made before it created that table, was logged as a failed command in every
    /// first start (the quick start's, a first deploy's).
    /// </summary>
    [Fact]
    public async Task AFirstStart_OnANewDatabase_LogsNoError()
    {
        const string database = "orders_first_start_test";
        await TestDatabases.RecreateAsync(stack.Settings, [database], CancellationToken.None);

        using var instance = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-first-start", new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = stack.Settings.PostgresConnectionString(database),
        });

        Assert.Empty((await stack.PostAsync("orders-first-start", "{ __typename }")).ErrorCodes);
        Assert.False(instance.Wrote("\"LogLevel\":\"Error\"") || instance.Wrote("\"LogLevel\":\"Critical\""), instance.Tail());
        // The migrations' own log is kept: what an operator reads while a long one runs.
        Assert.True(instance.Wrote("Applying migration"), instance.Tail());
    }
}
