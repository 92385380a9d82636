using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// Money given back for units of a delivered order, by an administrator, through the gateway:
/// every refund's parts to the cent, the refunds of a whole order adding up to its total, and
/// no unit refunded twice however the requests arrive.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class RefundTests(FederatedStack stack)
{
    private const string OrderFields = """
        id status total { amount } shipping { amount }
        payment { status amount { amount } refunded { amount } }
        refunds { id status lines { variant { sku } quantity } subtotal { amount } discount { amount } shipping { amount } tax { amount } amount { amount }
                  reason failureReason refundedBy completedAt }
        """;
    private const string RefundOrder = $"mutation($input: RefundOrderInput!) {{ refundOrder(input: $input) {{ order {{ {OrderFields} }} errors {{ code message field }} }} }}";
    private const string Query = $"query($id: ID!) {{ order(id: $id) {{ {OrderFields} }} }}";

    private Dictionary<string, string> Admin => Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));

    /// <summary>
    /// 3 × 19.99 and 1 × 7.45 (67.42) with WELCOME10 (6.74 off) to Illinois (6.25% on 60.68 =
    /// 3.79), shipped for 6.35 (1.6 kg): 70.82. Refunded one unit, one unit, then the rest, each
    /// refund is the units' worth with everything given back so far, less what was given back
    /// before; the three add up to the total and the order and its payment end REFUNDED.
    /// </summary>
    [Fact]
    public async Task AnOrderRefundedInThreeParts_IsGivenBackItsTotal_ToTheCent()
    {
        var a = await stack.StockedSkuAsync("19.99", 400, ("FC-EAST", 10));
        var b = await stack.StockedSkuAsync("7.45", 400, ("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, a, 3);
        await stack.AddToCartAsync(shopper, b, 1);
        Assert.Empty((await stack.CallAsync(shopper, CartTests.ApplyCode, new { code = "WELCOME10" })).ErrorCodes());
        var orderId = await DeliveredAsync(shopper);

        var first = await RefundAsync(new { orderId, idempotencyKey = "r1", lines = new[] { new { sku = a, quantity = 1 } }, reason = "Arrived damaged" });
        var second = await RefundAsync(new { orderId, idempotencyKey = "r2", lines = new[] { new { sku = a, quantity = 1 } }, reason = "Returned" });

        // One unit: 19.99, less 2.00 of the discount (6.74 × 19.99 / 67.42 = 1.998), plus 1.12 of tax (3.79 × 17.99 / 60.68 = 1.124).
        AssertParts(Last(first), "19.99", "2.00", "0.00", "1.12", "19.11");
        // Two units are worth 39.98 − 4.00 (3.997) + 2.25 (3.79 × 35.98 / 60.68 = 2.247): 38.23, of which 19.11 went back before.
        AssertParts(Last(second), "19.99", "2.00", "0.00", "1.13", "19.12");
        Assert.Equal("DELIVERED", second.GetProperty("status").GetString());
        Assert.Equal("CAPTURED", second.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("38.23", second.GetProperty("payment").GetProperty("refunded").Amount());

        // Lines left out: every unit not yet refunded, with the shipping, and the rest of the discount and tax.
        var last = await RefundAsync(new { orderId, idempotencyKey = "r3", reason = "Order returned" });

        AssertParts(Last(last), "27.44", "2.74", "6.35", "1.54", "32.59");
        Assert.Equal([(a, 1), (b, 1)], Last(last).GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("variant").GetProperty("sku").GetString(), l.GetProperty("quantity").GetInt32())));
        Assert.Equal("70.82", last.GetProperty("total").Amount());
        Assert.Equal("REFUNDED", last.GetProperty("status").GetString());
        Assert.Equal("REFUNDED", last.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("70.82", last.GetProperty("payment").GetProperty("refunded").Amount());
        Assert.Equal(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"], last.GetProperty("refunds").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("user-000000", Last(last).GetProperty("refundedBy").GetString());
        // The provider gave back exactly the capture, in three refunds.
        Assert.Equal("Refunded 70.82 3", await ProviderAsync(orderId));
        // The shopper sees them on the order; nothing is left to refund.
        var seen = (await stack.PostAsync(ServiceNames.Gateway, Query, new { id = orderId }, null, shopper.Bearer)).Data.GetProperty("order");
        Assert.Equal(3, seen.GetProperty("refunds").GetArrayLength());
        // With the reasons given, but not who on the staff gave them (an administrator's id, another user's).
        Assert.Equal("Arrived damaged", seen.GetProperty("refunds")[0].GetProperty("reason").GetString());
        Assert.All(seen.GetProperty("refunds").EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("refundedBy").ValueKind));
        Assert.Equal(["REFUND_NOT_AVAILABLE"], (await CallAsync(new { orderId, idempotencyKey = "r4", reason = "Again" })).ErrorCodes());
    }

    /// <summary>
    /// VAT taxes shipping: 2 × 25.00 to Berlin by DHL (24.00), 19% of 74.00 = 14.06, 88.06. One
    /// unit gives back 19% of its 25.00 (4.75); the shipping's 4.56 of tax goes back with the shipping.
    /// </summary>
    [Fact]
    public async Task WhereShippingIsTaxed_ItsTaxGoesBackWithTheShipping()
    {
        var sku = await stack.StockedSkuAsync("25.00", 400, ("FC-WEST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var berlin = new { name = "Ada Buyer", line1 = "1 Hauptstrasse", city = "Berlin", region = (string?)null, postalCode = "10115", country = "DE" };
        var orderId = await DeliveredAsync(shopper, "tok_visa_de", berlin, "dhl-economy-select-europe");

        var one = await RefundAsync(new { orderId, idempotencyKey = "de-1", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" });
        var rest = await RefundAsync(new { orderId, idempotencyKey = "de-2", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" });

        AssertParts(Last(one), "25.00", "0.00", "0.00", "4.75", "29.75");
        AssertParts(Last(rest), "25.00", "0.00", "24.00", "9.31", "58.31");
        Assert.Equal("88.06", rest.GetProperty("total").Amount());
        Assert.Equal("REFUNDED", rest.GetProperty("status").GetString());
    }

    /// <summary>
    /// Ten refunds of one unit each, sent at once for an order of three units: refunds are
    /// recorded one at a time (the others are told one is in progress, or that no unit is left),
    /// none gives a unit back twice, and the rest refunded one after another adds up to the
    /// total. The same key sent ten times at once refunds once.
    /// </summary>
    [Fact]
    public async Task RefundsSentAtOnce_NeverGiveBackAUnitTwice()
    {
        var sku = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 10));
        var (racing, repeating) = (stack.NewShopper(), stack.NewShopper());
        await stack.AddToCartAsync(racing, sku, 3);
        await stack.AddToCartAsync(repeating, sku, 2);
        var orders = await Task.WhenAll(DeliveredAsync(racing), DeliveredAsync(repeating));

        var raced = await Task.WhenAll(Enumerable.Range(1, 10).Select(i =>
            CallAsync(new { orderId = orders[0], idempotencyKey = $"race-{i}", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" })));
        var repeated = await Task.WhenAll(Enumerable.Range(1, 10).Select(_ =>
            CallAsync(new { orderId = orders[1], idempotencyKey = "same", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" })));

        var taken = raced.Count(p => p.ErrorCodes().Count == 0);
        Assert.InRange(taken, 1, 3);
        Assert.All(raced.Where(p => p.ErrorCodes().Count > 0),
            p => Assert.Contains(p.ErrorCodes().Single(), new[] { "REFUND_IN_PROGRESS", "REFUND_QUANTITY_EXCEEDED", "REFUND_NOT_AVAILABLE" }));
        for (var i = taken; i < 3; i++)
            await RefundAsync(new { orderId = orders[0], idempotencyKey = $"after-{i}", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" });
        Assert.Equal(["REFUND_NOT_AVAILABLE"], (await CallAsync(new { orderId = orders[0], idempotencyKey = "one-more", reason = "Returned" })).ErrorCodes());
        var racedOrder = await OrderAsync(orders[0]);
        Assert.Equal("REFUNDED", racedOrder.GetProperty("status").GetString());
        Assert.Equal(["SUCCEEDED", "SUCCEEDED", "SUCCEEDED"], racedOrder.GetProperty("refunds").EnumerateArray().Select(r => r.GetProperty("status").GetString()));
        Assert.Equal("REFUNDED", racedOrder.GetProperty("status").GetString());
        Assert.Equal(racedOrder.GetProperty("total").Amount(), racedOrder.GetProperty("payment").GetProperty("refunded").Amount());
        Assert.Equal($"Refunded {racedOrder.GetProperty("total").Amount()} 3", await ProviderAsync(orders[0]));

        Assert.All(repeated, p => Assert.Empty(p.ErrorCodes()));
        var repeatedOrder = await OrderAsync(orders[1]);
        Assert.Equal(1, repeatedOrder.GetProperty("refunds").GetArrayLength());
        Assert.Equal(Last(repeatedOrder).GetProperty("amount").Amount(), repeatedOrder.GetProperty("payment").GetProperty("refunded").Amount());
        Assert.Equal("DELIVERED", repeatedOrder.GetProperty("status").GetString());
        Assert.StartsWith("Captured ", await ProviderAsync(orders[1]));
        Assert.EndsWith(" 1", await ProviderAsync(orders[1]));
        // The key again with another request is refused.
        Assert.Equal(["IDEMPOTENCY_KEY_REUSED"],
            (await CallAsync(new { orderId = orders[1], idempotencyKey = "same", lines = new[] { new { sku, quantity = 1 } }, reason = "Other" })).ErrorCodes());
    }

    /// <summary>What is refused, with its code and the field at fault; only administrators refund.</summary>
    [Fact]
    public async Task WhatCannotBeRefunded_IsRefusedWithItsCode()
    {
        var sku = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 10));
        var (delivered, paid) = (stack.NewShopper(), stack.NewShopper());
        await stack.AddToCartAsync(delivered, sku, 2);
        await stack.AddToCartAsync(paid, sku, 1);
        var orderId = await DeliveredAsync(delivered);
        var paidId = (await stack.PlaceAsync(paid)).GetProperty("order").GetProperty("id").GetString()!;
        object Lines(string s, int quantity) => new { orderId, idempotencyKey = Guid.NewGuid().ToString("N"), lines = new[] { new { sku = s, quantity } }, reason = "Returned" };

        Assert.Equal(["REFUND_NOT_AVAILABLE"], (await CallAsync(new { orderId = paidId, idempotencyKey = "k", reason = "Early" })).ErrorCodes());
        Assert.Empty((await stack.CallAsync(paid, Checkout.CancelOrder, new { orderId = paidId })).ErrorCodes());
        var cancelled = await CallAsync(new { orderId = paidId, idempotencyKey = "k2", reason = "Late" });
        Assert.Equal(["REFUND_NOT_AVAILABLE"], cancelled.ErrorCodes());
        Assert.Contains("cancelled before it shipped", cancelled.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(["ORDER_NOT_FOUND"], (await CallAsync(new { orderId = "ord_none", idempotencyKey = "k", reason = "None" })).ErrorCodes());
        var exceeded = await CallAsync(Lines(sku, 3));
        Assert.Equal(["REFUND_QUANTITY_EXCEEDED"], exceeded.ErrorCodes());
        Assert.Equal(["input", "lines", "0", "quantity"], exceeded.GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["ORDER_LINE_NOT_FOUND"], (await CallAsync(Lines("NOT-IN-ORDER", 1))).ErrorCodes());
        Assert.Equal(["INVALID_INPUT"], (await CallAsync(Lines(sku, 0))).ErrorCodes());
        Assert.Equal(["INVALID_INPUT"], (await CallAsync(new { orderId, idempotencyKey = "k", reason = "  " })).ErrorCodes());
        Assert.Equal(["INVALID_INPUT"], (await CallAsync(new { orderId, idempotencyKey = "k", lines = Array.Empty<object>(), reason = "Returned" })).ErrorCodes());
        var asShopper = await stack.PostAsync(ServiceNames.Gateway, RefundOrder, new { input = new { orderId, idempotencyKey = "k", reason = "Mine" } }, null, delivered.Bearer);
        Assert.Equal(["FORBIDDEN"], asShopper.ErrorCodes);
        // Nothing was given back by any of them.
        var order = await OrderAsync(orderId);
        Assert.Equal(0, order.GetProperty("refunds").GetArrayLength());
        Assert.Equal("0.00", order.GetProperty("payment").GetProperty("refunded").Amount());
    }

    /// <summary>
    /// The provider refuses a refund when it holds less than asked (money given back on its own
    /// dashboard, written here as that does): the refund is recorded FAILED with the provider's
    /// reason, its units count as not given back, and the order stays delivered.
    /// </summary>
    [Fact]
    public async Task ARefundTheProviderRefuses_IsRecordedFailed_AndGivesNoUnitBack()
    {
        var sku = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = await DeliveredAsync(shopper);
        await stack.OrdersScalarAsync("update orders.simulated_provider_ledger set refunded = amount - 1 where idempotency_key = $1 returning refunded", orderId);

        var refused = await RefundAsync(new { orderId, idempotencyKey = "k1", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" });

        Assert.Equal("FAILED", Last(refused).GetProperty("status").GetString());
        Assert.Equal("amount_exceeds_captured", Last(refused).GetProperty("failureReason").GetString());
        Assert.Equal("DELIVERED", refused.GetProperty("status").GetString());
        Assert.Equal("0.00", refused.GetProperty("payment").GetProperty("refunded").Amount());
        // Both units can still be asked for.
        var exceeded = await CallAsync(new { orderId, idempotencyKey = "k2", lines = new[] { new { sku, quantity = 3 } }, reason = "Returned" });
        Assert.Equal("2 unit(s) of '" + sku + "' can still be refunded.", exceeded.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    /// <summary>
    /// The orders instance that recorded a refund killed before it asked the provider (its
    /// inline call and its message both held there by fault injection): the refund's durable
    /// message, taken over when the instance starts again, completes it, and the provider
    /// refunds once. While it waits, another refund of the order is told one is in progress.
    /// </summary>
    [Fact]
    public async Task KilledAfterRecordingARefund_TheRefundIsCompletedAfterRestart_Once()
    {
        const string instance = "orders-refund-crash";
        var sku = await stack.StockedSkuAsync("12.50", 400, ("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = await DeliveredAsync(shopper);
        var crashing = await stack.StartInstanceAsync(ServiceNames.Orders, instance, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__PauseAfter"] = "refund",
            ["Orders__FaultInjection__UserId"] = shopper.Id,
        });
        var refunding = stack.PostAsync(instance, RefundOrder,
            new { input = new { orderId, idempotencyKey = "crash", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" } }, null, Admin);
        await Eventually.WaitForAsync(async () => await PendingRefundsAsync(orderId) == 1, () => "The refund was not recorded.");

        Assert.Equal(["REFUND_IN_PROGRESS"], (await CallAsync(new { orderId, idempotencyKey = "meanwhile", reason = "Returned" })).ErrorCodes());
        crashing.Dispose();
        await Assert.ThrowsAsync<HttpRequestException>(() => refunding);
        Assert.Equal("Captured 0.00 0", await ProviderAsync(orderId));
        // Wolverine hands a dead instance's messages over once its health record is a minute old.
        using var restarted = await stack.StartInstanceAsync(ServiceNames.Orders, instance, new Dictionary<string, string>());

        JsonElement order = default;
        await Eventually.WaitForAsync(async () => Last(order = await OrderAsync(orderId)).GetProperty("status").GetString() == "SUCCEEDED",
            () => $"The refund was not completed: {order}", TimeSpan.FromSeconds(150));
        // 12.50 and its 6.25% Illinois tax (0.78125).
        AssertParts(Last(order), "12.50", "0.00", "0.00", "0.78", "13.28");
        Assert.Equal("13.28", order.GetProperty("payment").GetProperty("refunded").Amount());
        Assert.Equal("Captured 13.28 1", await ProviderAsync(orderId));
        // The same key, asked again, answers the same refund.
        var again = await RefundAsync(new { orderId, idempotencyKey = "crash", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" });
        Assert.Equal(1, again.GetProperty("refunds").GetArrayLength());
    }

    /// <summary>
    /// The rest of a partly refunded order given back on the provider's dashboard (a support
    /// agent, a chargeback; written here as the provider writes it, with its event): the webhook
    /// records the payment REFUNDED, and a further refund is refused rather than asked twice.
    /// </summary>
    [Fact]
    public async Task TheRestRefundedOnTheProvidersDashboard_IsRecorded_AndNothingMoreIsRefunded()
    {
        var sku = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = await DeliveredAsync(shopper);
        await RefundAsync(new { orderId, idempotencyKey = "store", lines = new[] { new { sku, quantity = 1 } }, reason = "Returned" });

        Assert.Equal("evt_dash_" + orderId, await stack.OrdersScalarAsync("""
            with rest as (
                update orders.simulated_provider_ledger set refunded = amount, outcome = 'Refunded', updated_at = now()
                where idempotency_key = $1 returning idempotency_key)
            insert into orders.simulated_provider_events (event_id, idempotency_key, type)
            select 'evt_dash_' || idempotency_key, idempotency_key, 'payment.refunded' from rest
            returning event_id
            """, orderId));

        JsonElement order = default;
        await Eventually.WaitForAsync(async () => (order = await OrderAsync(orderId)).GetProperty("payment").GetProperty("status").GetString() == "REFUNDED",
            () => $"The provider's refund was not recorded: {order}");
        Assert.Equal("DELIVERED", order.GetProperty("status").GetString());
        // All of it: the store's 10.63 and the dashboard's rest.
        Assert.Equal("26.65", order.GetProperty("payment").GetProperty("refunded").Amount());
        Assert.Equal(["REFUND_NOT_AVAILABLE"], (await CallAsync(new { orderId, idempotencyKey = "rest", reason = "Returned" })).ErrorCodes());
        Assert.EndsWith(" 1", await ProviderAsync(orderId));
    }

    /// <summary>
    /// Part of a delivered order's money given back on the provider's dashboard (5.00 of 26.65)
    /// reaches the store by webhook: recorded on the payment, which stays CAPTURED, and the
    /// store's refunds stop there, as it cannot tell which units the money was for.
    /// </summary>
    [Fact]
    public async Task PartOfThePaymentRefundedOnTheProvidersDashboard_IsRecorded_AndTheStoreRefundsNoMore()
    {
        var sku = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        var orderId = await DeliveredAsync(shopper);

        Assert.Equal("evt_part_" + orderId, await stack.OrdersScalarAsync("""
            with part as (
                update orders.simulated_provider_ledger set refunded = 5.00, updated_at = now()
                where idempotency_key = $1 returning idempotency_key)
            insert into orders.simulated_provider_events (event_id, idempotency_key, type)
            select 'evt_part_' || idempotency_key, idempotency_key, 'payment.partially_refunded' from part
            returning event_id
            """, orderId));

        JsonElement order = default;
        await Eventually.WaitForAsync(async () => (order = await OrderAsync(orderId)).GetProperty("payment").GetProperty("refunded").Amount() == "5.00",
            () => $"The provider's partial refund was not recorded: {order}");
        Assert.Equal("CAPTURED", order.GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal("DELIVERED", order.GetProperty("status").GetString());
        Assert.Equal(["REFUND_NOT_AVAILABLE"], (await CallAsync(new { orderId, idempotencyKey = "after-dashboard", reason = "Returned" })).ErrorCodes());
        Assert.Equal("Captured 5.00 0", await ProviderAsync(orderId));
    }

    /// <summary>
    /// A 40.00 item and a free gift (0.00), shipped free (FREESHIP) to Illinois: 40.00 + 2.50 of
    /// tax. Refunding the item gives back all of the payment (42.50); the gift, refunded after,
    /// is worth nothing and ends the order REFUNDED. It was refused as "given back at the
    /// provider already", the payment REFUNDED and the order DELIVERED for good.
    /// </summary>
    [Fact]
    public async Task AFreeGiftRefundedAfterTheWholePayment_EndsTheOrderRefunded()
    {
        var item = await stack.StockedSkuAsync("40.00", 400, ("FC-EAST", 10));
        var gift = await stack.StockedSkuAsync("0.00", 400, ("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, item, 1);
        await stack.AddToCartAsync(shopper, gift, 1);
        Assert.Empty((await stack.CallAsync(shopper, CartTests.ApplyCode, new { code = "FREESHIP" })).ErrorCodes());
        var orderId = await DeliveredAsync(shopper);

        var first = await RefundAsync(new { orderId, idempotencyKey = "item", lines = new[] { new { sku = item, quantity = 1 } }, reason = "Returned" });
        Assert.Equal("42.50", first.GetProperty("total").Amount());
        AssertParts(Last(first), "40.00", "0.00", "0.00", "2.50", "42.50");
        Assert.Equal(("DELIVERED", "REFUNDED"), (first.GetProperty("status").GetString(), first.GetProperty("payment").GetProperty("status").GetString()));

        var rest = await RefundAsync(new { orderId, idempotencyKey = "gift", lines = new[] { new { sku = gift, quantity = 1 } }, reason = "Returned" });

        AssertParts(Last(rest), "0.00", "0.00", "0.00", "0.00", "0.00");
        Assert.Equal("SUCCEEDED", Last(rest).GetProperty("status").GetString());
        Assert.Equal(("REFUNDED", "REFUNDED"), (rest.GetProperty("status").GetString(), rest.GetProperty("payment").GetProperty("status").GetString()));
        Assert.Equal("42.50", rest.GetProperty("payment").GetProperty("refunded").Amount());
        Assert.Equal("Refunded 42.50 1", await ProviderAsync(orderId));
    }

    private async Task<long> PendingRefundsAsync(string orderId) =>
        await stack.OrdersCountAsync("""select count(*) from orders.refunds where "OrderId" = $1 and "Status" = 'Pending'""", orderId);

    private async Task<string> DeliveredAsync(Shopper shopper, string card = "tok_visa", object? address = null, string rate = "usps-ground-advantage-domestic")
    {
        var placed = await stack.PlaceAsync(shopper, card, address: address, rate: rate);
        Assert.Empty(placed.ErrorCodes());
        var orderId = placed.GetProperty("order").GetProperty("id").GetString()!;
        var order = await stack.WaitForStatusAsync(shopper, orderId, "query($id: ID!) { order(id: $id) { status } }", "DELIVERED");
        Assert.Equal("DELIVERED", order.GetProperty("status").GetString());
        return orderId;
    }

    private async Task<JsonElement> CallAsync(object input) =>
        (await stack.PostAsync(ServiceNames.Gateway, RefundOrder, new { input }, null, Admin)).Data.GetProperty("refundOrder");

    /// <summary>The order after a refund that must be taken.</summary>
    private async Task<JsonElement> RefundAsync(object input)
    {
        var payload = await CallAsync(input);
        Assert.Empty(payload.ErrorCodes());
        return payload.GetProperty("order");
    }

    private async Task<JsonElement> OrderAsync(string orderId) =>
        (await stack.PostAsync(ServiceNames.Gateway, Query, new { id = orderId }, null, Admin)).Data.GetProperty("order");

    /// <summary>The provider's side: the payment's outcome, what it gave back, and in how many refunds.</summary>
    private async Task<string?> ProviderAsync(string orderId) =>
        (string?)await stack.OrdersScalarAsync("""
            select l.outcome || ' ' || l.refunded || ' ' || (select count(*) from orders.simulated_provider_refunds r where r.idempotency_key = l.idempotency_key)
            from orders.simulated_provider_ledger l where l.idempotency_key = $1
            """, orderId);

    private static JsonElement Last(JsonElement order) => order.GetProperty("refunds").EnumerateArray().Last();

    private static void AssertParts(JsonElement refund, string subtotal, string discount, string shipping, string tax, string amount)
    {
        Assert.Equal("SUCCEEDED", refund.GetProperty("status").GetString());
        Assert.Equal(
            (subtotal, discount, shipping, tax, amount),
            (refund.GetProperty("subtotal").Amount(), refund.GetProperty("discount").Amount(), refund.GetProperty("shipping").Amount(),
             refund.GetProperty("tax").Amount(), refund.GetProperty("amount").Amount()));
        Assert.NotEqual(JsonValueKind.Null, refund.GetProperty("completedAt").ValueKind);
    }
}
