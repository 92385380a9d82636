using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>User.orders for many customers at once (an administrator's list of users), as the gateway asks for them.</summary>
[Collection(FederatedCollection.Name)]
public sealed class OrderHistoryTests(FederatedStack stack)
{
    private const string Query = """
        query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id orders(first: 1) {
          nodes { id status lines { quantity } } pageInfo { hasNextPage endCursor } totalCount } } } }
        """;

    /// <summary>
    /// Each customer gets their own newest order (and whether there are more), one with no order
    /// an empty page, and the orders service loads the whole list's pages in one batch, however
    /// many customers it holds; each list's totalCount counts the orders the customer is shown
    /// (a declined one is not), all of them in one more batch.
    /// </summary>
    [Fact]
    public async Task ManyCustomersOrders_AreEachTheirOwn_AndLoadedInOneBatch()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 20));
        var shoppers = Enumerable.Range(0, 3).Select(_ => stack.NewShopper()).ToList();
        var newest = new List<string>();
        foreach (var (shopper, orders) in shoppers.Zip([1, 2, 1]))
        {
            string? last = null;
            for (var i = 1; i <= orders; i++)
            {
                await stack.AddToCartAsync(shopper, sku, i);
                last = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString();
            }
            newest.Add(last!);
        }
        // Refused: not shown, not counted.
        await stack.AddToCartAsync(shoppers[0], sku, 1);
        Assert.Equal(["PAYMENT_DECLINED"], (await stack.PlaceAsync(shoppers[0], "tok_chargeDeclined")).ErrorCodes());
        var nobody = stack.NewShopper();
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        var representations = shoppers.Append(nobody).Select(s => new { __typename = "User", id = s.Id }).ToArray();

        var (users, delta) = await stack.MeasureAsync(
            async () => (await stack.PostAsync(ServiceNames.Orders, Query, new { r = representations }, null, admin)).Data.GetProperty("_entities"),
            ServiceNames.Orders);

        for (var i = 0; i < shoppers.Count; i++)
        {
            var orders = users[i].GetProperty("orders");
            Assert.Equal(shoppers[i].Id, users[i].GetProperty("id").GetString());
            Assert.Equal([newest[i]], orders.GetProperty("nodes").EnumerateArray().Select(o => o.GetProperty("id").GetString()));
            Assert.Equal(i == 1, orders.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
        }
        Assert.Empty(users[3].GetProperty("orders").GetProperty("nodes").EnumerateArray());
        Assert.Equal([1, 2, 1, 0], users.EnumerateArray().Select(u => u.GetProperty("orders").GetProperty("totalCount").GetInt32()));
        var counters = delta[ServiceNames.Orders];
        Assert.True(counters.Batches("OrdersByUserDataLoader") == 1, $"Expected one OrdersByUserDataLoader batch: {counters}");
        Assert.True(counters.Batches("OrderCountDataLoader") == 1, $"Expected one OrderCountDataLoader batch: {counters}");

        // The second customer's next page, after the cursor the batch gave: their first order.
        var after = users[1].GetProperty("orders").GetProperty("pageInfo").GetProperty("endCursor").GetString();
        var next = await stack.PostAsync(ServiceNames.Orders,
            "query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on User { orders(first: 5, after: $after) { nodes { lines { quantity } } pageInfo { hasNextPage } } } } }",
            new { r = new[] { representations[1], representations[0] }, after }, null, admin);
        var second = next.Data.GetProperty("_entities")[0].GetProperty("orders");
        Assert.Equal([1], second.GetProperty("nodes").EnumerateArray().Select(o => o.GetProperty("lines")[0].GetProperty("quantity").GetInt32()));
        // The same on every page.
        Assert.Equal(2, (await stack.PostAsync(ServiceNames.Orders,
            "query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on User { orders(first: 5, after: $after) { totalCount } } } }",
            new { r = new[] { representations[1] }, after }, null, admin)).Data.GetProperty("_entities")[0].GetProperty("orders").GetProperty("totalCount").GetInt32());
        Assert.False(second.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean());
    }
    /// <summary>
    /// An order that joins the list while a page of it is read (placed in another tab between the
    /// page's statements: the orders, then their lines, parcels and refunds) leaves the page's
    /// orders with their details, as of one moment. Before, the lines' statement, run again
    /// after it was placed, began with the new order's rows, and every order on the page came
    /// back with no lines (found by a review).
    /// </summary>
    [Fact]
    public async Task AnOrderPlacedWhileAPageIsRead_LeavesThePagesOrdersTheirLines()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 20));
        var shopper = stack.NewShopper();
        foreach (var quantity in new[] { 1, 2 })
        {
            await stack.AddToCartAsync(shopper, sku, quantity);
            Assert.Empty((await stack.PlaceAsync(shopper)).ErrorCodes());
        }
        const string instance = "orders-history-snapshot";
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Orders, instance,
            new Dictionary<string, string> { ["Orders__Fulfillment__Enabled"] = "false" });

        // The page's statement for its orders' lines (it names the customer) waits at the proxy.
        var held = outage.Proxy.HoldNextAsync("order_lines", shopper.Id);
        var reading = stack.PostAsync(instance,
            "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders(first: 5) { nodes { id lines { quantity } } } } } }",
            new { r = new[] { new { __typename = "User", id = shopper.Id } } }, null, shopper.Bearer);
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        await stack.AddToCartAsync(shopper, sku, 3);
        Assert.Empty((await stack.PlaceAsync(shopper)).ErrorCodes());
        outage.Proxy.ReleaseHeld();
        var page = await reading;

        Assert.Empty(page.ErrorCodes);
        var nodes = page.Data.GetProperty("_entities")[0].GetProperty("orders").GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal([[2], [1]], nodes.Select(o => o.GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("quantity").GetInt32()).ToArray()));
    }

    /// <summary>
    /// Orders the gateway asks for by reference (<c>_entities</c> with many <c>Order</c>
    /// representations) are loaded in one batch; each is shown only to its customer and to
    /// administrators, and one that does not exist is null as another's is.
    /// </summary>
    [Fact]
    public async Task OrderReferences_AreLoadedInOneBatch_AndShownOnlyToTheirCustomer()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 20));
        var shoppers = Enumerable.Range(0, 3).Select(_ => stack.NewShopper()).ToList();
        var ids = new List<string>();
        foreach (var shopper in shoppers)
        {
            await stack.AddToCartAsync(shopper, sku, 1);
            ids.Add((await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!);
        }
        var representations = ids.Append(Guid.NewGuid().ToString()).Select(id => new { __typename = "Order", id }).ToArray();
        const string query = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Order { id lines { quantity } } } }";
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));

        var (all, delta) = await stack.MeasureAsync(
            async () => (await stack.PostAsync(ServiceNames.Orders, query, new { r = representations }, null, admin)).Data.GetProperty("_entities"),
            ServiceNames.Orders);
        Assert.Equal(ids, all.EnumerateArray().Take(3).Select(o => o.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, all[3].ValueKind);
        var counters = delta[ServiceNames.Orders];
        Assert.True(counters.Batches("OrderByIdDataLoader") == 1, $"Expected one OrderByIdDataLoader batch: {counters}");

        var own = (await stack.PostAsync(ServiceNames.Orders, query, new { r = representations }, null, shoppers[1].Bearer)).Data.GetProperty("_entities");
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Object, JsonValueKind.Null, JsonValueKind.Null], own.EnumerateArray().Select(o => o.ValueKind));
        Assert.Equal(ids[1], own[1].GetProperty("id").GetString());

        // Aliased order(id) fields are one batch too, and another's order is null.
        var (aliased, aliasDelta) = await stack.MeasureAsync(
            async () => (await stack.PostAsync(ServiceNames.Orders, "query($a: ID!, $b: ID!) { a: order(id: $a) { id } b: order(id: $b) { id } }",
                new { a = ids[0], b = ids[1] }, null, shoppers[0].Bearer)).Data,
            ServiceNames.Orders);
        Assert.Equal(ids[0], aliased.GetProperty("a").GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, aliased.GetProperty("b").ValueKind);
        Assert.True(aliasDelta[ServiceNames.Orders].Batches("OrderByIdDataLoader") == 1, $"Expected one batch: {aliasDelta[ServiceNames.Orders]}");
    }

    /// <summary>
    /// A user whose id is empty has no orders, and their count says so. Before, the count of
    /// the orders on hold was kept under the empty key, so an administrator asking for this
    /// user's orders got an empty page with the number of every held order in the shop.
    /// </summary>
    [Fact]
    public async Task AUserWithAnEmptyId_HasNoOrdersCounted()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var flagged = stack.NewShopper();
        await stack.AddToCartAsync(flagged, sku, 1);
        // A card from Germany for an Illinois address: at least one order is on hold.
        Assert.Equal("ON_HOLD", (await stack.PlaceAsync(flagged, "tok_visa_de")).GetProperty("order").GetProperty("status").GetString());
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));

        var orders = (await stack.PostAsync(ServiceNames.Orders, "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { orders { totalCount nodes { id } } } } }",
            new { r = new[] { new { __typename = "User", id = "" } } }, null, admin)).Data.GetProperty("_entities")[0].GetProperty("orders");

        Assert.Equal(0, orders.GetProperty("nodes").GetArrayLength());
        Assert.Equal(0, orders.GetProperty("totalCount").GetInt32());
    }
}
