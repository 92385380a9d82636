using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// The orders service killed in the middle of placeOrder (SIGKILL of the whole process, no
/// shutdown), then started again. A second orders instance runs beside the fixture's, over
/// the same stores, with fault injection holding placeOrder after the chosen step so the kill
/// lands exactly there. The order row, left Pending, is the durable record: whichever instance
/// sweeps for interrupted placements first refuses it cleanly: stock released, payment voided,
/// nothing charged, nothing left waiting.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class CrashRecoveryTests(FederatedStack stack)
{
    private const string Instance = "orders-crash";

    [Theory]
    [InlineData("reservation")]
    [InlineData("authorization")]
    public async Task KilledDuringPlaceOrder_AndRestarted_TheOrderIsReleased_AndNothingIsCharged(string step)
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var crashing = await stack.StartInstanceAsync(ServiceNames.Orders, Instance, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = step,
        });

        // The shopper's request reaches the instance that is about to die.
        var placing = stack.PlaceAsync(shopper, key: "crash", service: Instance);
        var orderId = await WaitForAsync(async () => await ScalarAsync<string>("""select "Id" from orders.orders where "UserId" = $1""", shopper.Id));
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 3 ? "reserved" : null);
        if (step == "authorization")
            await WaitForAsync(async () => await LedgerOutcomeAsync(orderId) == "Authorized" ? "authorized" : null);

        crashing.Dispose();
        await Assert.ThrowsAnyAsync<Exception>(() => placing);
        Assert.Equal("Pending", await ScalarAsync<string>("""select "Status" from orders.orders where "Id" = $1""", orderId));
        await stack.StartInstanceAsync(ServiceNames.Orders, Instance, new Dictionary<string, string>());

        // Pending for Orders:PendingTimeout (20 s in the tests), the order is refused, and settling gives everything back.
        await WaitForAsync(async () => await ScalarAsync<string>("""select "FailureCode" from orders.orders where "Id" = $1 and "Status" = 'Failed'""", orderId),
            TimeSpan.FromSeconds(60));
        await WaitForAsync(async () => await stack.AvailableAsync(sku) == 5 ? "released" : null);
        Assert.Equal("ORDER_INTERRUPTED", await ScalarAsync<string>("""select "FailureCode" from orders.orders where "Id" = $1""", orderId));
        Assert.Equal("Voided", await LedgerOutcomeAsync(orderId));
        await WaitForAsync(async () => await ScalarAsync<string>("""select "Status"::text from orders.payments where "OrderId" = $1 and "Status" = 'Voided'""", orderId));

        // The shopper asking again with the same key gets the same clean refusal, from either instance.
        Assert.Equal(["ORDER_INTERRUPTED"], (await stack.PlaceAsync(shopper, key: "crash")).ErrorCodes());
        Assert.Equal(["ORDER_INTERRUPTED"], (await stack.PlaceAsync(shopper, key: "crash", service: Instance)).ErrorCodes());
        // Nothing is stuck: no message of this order waits in the dead-letter table.
        Assert.Equal(0L, await ScalarAsync<long>("select count(*) from wolverine.wolverine_dead_letters where body::text like '%' || $1 || '%'", orderId));
    }

    private Task<string?> LedgerOutcomeAsync(string orderId) =>
        ScalarAsync<string>("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId);

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (await probe() is { } value)
                return value;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException("The expected state was not reached in time.");
            await Task.Delay(200);
        }
    }

    private async Task<T?> ScalarAsync<T>(string sql, string parameter) => (T?)await stack.OrdersScalarAsync(sql, parameter);
}
