using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// A shopper's own requests racing each other after placement: a cancel sent many times (a
/// double tap, a retrying client), a 3-D Secure answer sent many times, and an answer racing a
/// cancel. Whatever wins, the money and the stock end where the order's status says.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class OrderRaceTests(FederatedStack stack)
{
    private const string Voided = "select count(*) from orders.simulated_provider_ledger where idempotency_key = $1 and outcome = 'Voided'";
    private const string Authorized = "select count(*) from orders.simulated_provider_ledger where idempotency_key = $1 and outcome = 'Authorized'";

    [Fact]
    public async Task TenCancelsAtOnce_AllAnswerCancelled_AndTheStockComesBackOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId })));

        // Cancelling is idempotent: a cancel that lost the race to another finds the order cancelled.
        Assert.All(answers, a => Assert.Empty(a.ErrorCodes()));
        Assert.All(answers, a => Assert.Equal("CANCELLED", a.GetProperty("order").GetProperty("status").GetString()));
        Assert.Equal(5, await stack.AvailableAsync(sku));
        Assert.Equal(1, await stack.OrdersCountAsync(Voided, orderId));
    }

    [Fact]
    public async Task TenChallengeAnswersAtOnce_PayTheOrderOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var orderId = (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired")).GetProperty("order").GetProperty("id").GetString()!;

        var answers = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ =>
            stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId, challengeResponse = "pass" })));

        Assert.All(answers, a => Assert.Empty(a.ErrorCodes()));
        Assert.All(answers, a => Assert.Equal("PAID", a.GetProperty("order").GetProperty("status").GetString()));
        Assert.Equal(4, await stack.AvailableAsync(sku));
        Assert.Equal(1, await stack.OrdersCountAsync(Authorized, orderId));
    }

    /// <summary>
    /// Lines added while the cart is being placed (from another tab, another device) were not in
    /// the order, so they stay in the cart: placing takes out what it ordered, not everything.
    /// A second orders instance holds the placement after its reservation so the adds land there.
    /// </summary>
    [Fact]
    public async Task WhatIsAddedWhileTheCartIsPlaced_StaysInTheCart()
    {
        var (ordered, added) = (await stack.StockedSkuAsync(("FC-EAST", 10)), await stack.StockedSkuAsync(("FC-EAST", 10)));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, ordered, 2);
        using var paused = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-paused-placement", new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = "reservation",
            ["Orders__FaultInjection__Pause"] = "00:00:03",
            ["Orders__FaultInjection__UserId"] = shopper.Id,
        });

        var placing = stack.PlaceAsync(shopper, service: "orders-paused-placement");
        while (await stack.AvailableAsync(ordered) != 8)
            await Task.Delay(50);
        await stack.AddToCartAsync(shopper, ordered, 1);
        await stack.AddToCartAsync(shopper, added, 3);
        var placed = await placing;

        Assert.Equal("PAID", placed.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal(2, placed.GetProperty("order").GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        var cart = (await stack.PostAsync(ServiceNames.Orders, "{ cart { lines { variant { sku } quantity } } }", null, null, shopper.Bearer)).Data.GetProperty("cart");
        var left = cart.GetProperty("lines").EnumerateArray()
            .ToDictionary(l => l.GetProperty("variant").GetProperty("sku").GetString()!, l => l.GetProperty("quantity").GetInt32());
        Assert.Equal(new Dictionary<string, int> { [ordered] = 1, [added] = 3 }, left);
    }

    [Fact]
    public async Task AChallengeAnsweredAndCancelledAtOnce_EndsPaidWithItsStock_OrCancelledWithNothingHeld()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 40));
        for (var round = 0; round < 8; round++)
        {
            var shopper = stack.NewShopper();
            await stack.AddToCartAsync(shopper, sku, 1);
            var before = await stack.AvailableAsync(sku);
            var orderId = (await stack.PlaceAsync(shopper, "tok_threeDSecureRequired")).GetProperty("order").GetProperty("id").GetString()!;

            var confirm = stack.CallAsync(shopper, Checkout.ConfirmPayment, new { orderId, challengeResponse = "pass" });
            var cancel = stack.CallAsync(shopper, Checkout.CancelOrder, new { orderId });
            await Task.WhenAll(confirm, cancel);

            var order = (await stack.PostAsync(ServiceNames.Orders, Checkout.OrderQuery, new { id = orderId }, null, shopper.Bearer)).Data.GetProperty("order");
            var status = order.GetProperty("status").GetString();
            var payment = order.GetProperty("payment").GetProperty("status").GetString();
            var ledger = await stack.OrdersScalarAsync("select outcome from orders.simulated_provider_ledger where idempotency_key = $1", orderId);
            if (status == "CANCELLED")
            {
                // The cancel won, or came after the answer: whatever the answer did at the
                // provider, nothing stays authorized and the unit is back.
                Assert.Empty((await cancel).ErrorCodes());
                Assert.Equal("VOIDED", payment);
                Assert.Equal("Voided", ledger);
                Assert.Equal(before, await stack.AvailableAsync(sku));
            }
            else
            {
                // Only an order already being packed refuses a cancel; never half of each.
                Assert.Equal(["ORDER_NOT_CANCELLABLE"], (await cancel).ErrorCodes());
                Assert.Equal("Authorized", ledger);
                Assert.Equal(before - 1, await stack.AvailableAsync(sku));
            }
        }
    }
}
