using System.Security.Cryptography;
using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;
using Npgsql;

namespace Federated.Tests.Orders;

/// <summary>A shopper for the order tests: a token of its own (minted: the users service is not needed to buy).</summary>
public sealed record Shopper(string Id, string Token)
{
    public Dictionary<string, string> Bearer => new() { ["Authorization"] = $"Bearer {Token}" };
}

internal static class Checkout
{
    public const string OrderFields = "id number status placedAt holdReason lines { title quantity unitPrice { amount } total { amount } variant { sku } } subtotal { amount } discount { amount } shipping { amount } tax { amount } total { amount currencyCode } payment { status amount { amount } declineReason }";
    public const string PlaceOrder = $"mutation($input: PlaceOrderInput!) {{ placeOrder(input: $input) {{ order {{ {OrderFields} }} paymentAction {{ type challengeId }} errors {{ code message field }} }} }}";
    public const string ConfirmPayment = $"mutation($input: ConfirmPaymentInput!) {{ confirmPayment(input: $input) {{ order {{ {OrderFields} }} paymentAction {{ type }} errors {{ code message field }} }} }}";
    public const string CancelOrder = $"mutation($input: CancelOrderInput!) {{ cancelOrder(input: $input) {{ order {{ {OrderFields} }} errors {{ code message field }} }} }}";
    public const string OrderQuery = $"query($id: ID!) {{ order(id: $id) {{ {OrderFields} }} }}";

    public static readonly object Illinois = new { name = "Ada Buyer", line1 = "1 Main St", city = "Springfield", region = "IL", postalCode = "62701", country = "US" };

    private static int _shoppers;

    public static Shopper NewShopper(this FederatedStack stack)
    {
        var id = $"shopper-{stack.RunId}-{Interlocked.Increment(ref _shoppers)}";
        return new Shopper(id, Accounts.Mint(stack, id));
    }

    public static async Task<JsonElement> CallAsync(this FederatedStack stack, Shopper shopper, string mutation, object input, string service = ServiceNames.Orders) =>
        (await stack.PostAsync(service, mutation, new { input }, null, shopper.Bearer)).Data.EnumerateObject().Single().Value;

    public static async Task AddToCartAsync(this FederatedStack stack, Shopper shopper, string sku, int quantity)
    {
        var payload = await stack.CallAsync(shopper, CartTests.AddToCart, new { sku, quantity });
        Assert.Empty(payload.ErrorCodes());
    }

    /// <summary>Places the shopper's cart to Illinois by USPS Ground Advantage with the card token.</summary>
    public static Task<JsonElement> PlaceAsync(this FederatedStack stack, Shopper shopper, string cardToken = "tok_visa", string? key = null, object? address = null,
        string rate = "usps-ground-advantage-domestic", string service = ServiceNames.Orders) =>
        stack.CallAsync(shopper, PlaceOrder, new
        {
            idempotencyKey = key ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
            shippingAddress = address ?? Illinois,
            shippingRateId = rate,
            payment = new { cardToken },
        }, service);

    public static async Task<int> AvailableAsync(this FederatedStack stack, string sku) =>
        (await stack.VariantAsync(sku)).GetProperty("quantityAvailable").GetInt32();

    /// <summary>A connection to the orders service's database, open: for what the tests check (or arrange) beside the graph.</summary>
    public static Task<NpgsqlConnection> OpenOrdersDatabaseAsync(this FederatedStack stack) => stack.OpenDatabaseAsync(ServiceNames.Orders);

    /// <summary>One value from the orders database (null for no row or SQL null): what the tests check beside the graph.</summary>
    public static Task<object?> OrdersScalarAsync(this FederatedStack stack, string sql, params object[] parameters) =>
        stack.DatabaseScalarAsync(ServiceNames.Orders, sql, parameters);

    /// <summary>The order as <paramref name="query"/> shows it once it has <paramref name="status"/>; fails the test when it has not after 40 s.</summary>
    public static async Task<JsonElement> WaitForStatusAsync(this FederatedStack stack, Shopper shopper, string orderId, string query, string status)
    {
        JsonElement order;
        var deadline = DateTime.UtcNow.AddSeconds(40);
        do
        {
            await Task.Delay(500);
            order = (await stack.PostAsync(ServiceNames.Orders, query, new { id = orderId }, null, shopper.Bearer)).Data.GetProperty("order");
            if (order.GetProperty("status").GetString() == status)
                return order;
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"Order {orderId} was not {status} after 40 s: {order}");
        return order;
    }

    /// <summary>Runs <paramref name="sql"/> on the orders database; fails the test unless it changed exactly one row.</summary>
    public static async Task ChangeOneOrderRowAsync(this FederatedStack stack, string sql, params object[] parameters)
    {
        await using var connection = await stack.OpenOrdersDatabaseAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    /// <summary>An administrator's <paramref name="decision"/> on a held order, through the gateway; fails the test on errors.</summary>
    public static async Task<JsonElement> ReviewAsync(this FederatedStack stack, Dictionary<string, string> admin, string orderId, string decision)
    {
        var response = await stack.PostAsync(ServiceNames.Gateway,
            "mutation($input: ReviewHeldOrderInput!) { reviewHeldOrder(input: $input) { order { status } errors { code } } }",
            new { input = new { orderId, decision } }, null, admin);
        var payload = response.Data.GetProperty("reviewHeldOrder");
        Assert.Empty(payload.GetProperty("errors").EnumerateArray());
        return payload.GetProperty("order");
    }

    /// <summary>An order's hold reason as an administrator sees it, with its detail (the customer sees only its code).</summary>
    public static async Task<string?> AdminHoldReasonAsync(this FederatedStack stack, string orderId) =>
        (await stack.AdminOrderAsync(orderId, "holdReason")).GetProperty("holdReason").GetString();

    /// <summary>The <paramref name="fields"/> of an order, as an administrator sees them.</summary>
    public static async Task<JsonElement> AdminOrderAsync(this FederatedStack stack, string orderId, string fields)
    {
        var admin = Users.Accounts.BearerHeader(Users.Accounts.Mint(stack, "user-000000", role: "admin"));
        return (await stack.PostAsync(ServiceNames.Orders, $"query($id: ID!) {{ order(id: $id) {{ {fields} }} }}", new { id = orderId }, null, admin)).Data.GetProperty("order");
    }

    /// <summary>
    /// That the sweep takes a standing order's lines out of <paramref name="shopper"/>'s cart, with
    /// no request of the shopper's, and frees the cart: a checkout under another key then finds it
    /// empty (it was CHECKOUT_IN_PROGRESS while claimed, and before the sweep looked after claims
    /// it ordered the lines again); the shopper has the one order, whose units stay held.
    /// </summary>
    public static async Task AssertTheSweepEmptiesTheCartAsync(this FederatedStack stack, Shopper shopper, string sku, int available, string nextKey)
    {
        await Eventually.WaitForAsync(async () => (await stack.CartLinesAsync(shopper)).Count == 0,
            () => "The standing order's lines stayed in the cart.", TimeSpan.FromSeconds(45));
        Assert.Equal(["CART_EMPTY"], (await stack.PlaceAsync(shopper, key: nextKey)).ErrorCodes());
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", shopper.Id));
        Assert.Equal(available, await stack.AvailableAsync(sku));
    }

    /// <summary>
    /// That no durable message of the order is failing: none in the dead-letter table, and none
    /// waiting for a retry (a message that failed is scheduled again with its attempts counted;
    /// messages retry for as long as they fail, so the dead-letter table alone no longer shows
    /// one). A message whose retry just succeeded may take a moment to be marked handled.
    /// </summary>
    public static async Task AssertNoMessageFailingAsync(this FederatedStack stack, string orderId)
    {
        Assert.Equal(0L, await stack.OrdersCountAsync("select count(*) from wolverine.wolverine_dead_letters where position(convert_to($1, 'UTF8') in body) > 0", orderId));
        await Eventually.WaitForAsync(async () => await stack.OrdersCountAsync("""
            select count(*) from wolverine.wolverine_incoming_envelopes where status <> 'Handled' and attempts > 0 and position(convert_to($1, 'UTF8') in body) > 0
            """, orderId) == 0, () => $"A message of order {orderId} is still being retried.", TimeSpan.FromSeconds(10));
    }

    public static async Task<long> OrdersCountAsync(this FederatedStack stack, string sql, string parameter) =>
        Convert.ToInt64(await stack.OrdersScalarAsync(sql, parameter) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// The cards the simulated provider authorized or captured from <paramref name="since"/> on
    /// (a time of the orders database's clock, <see cref="OrdersClockAsync"/>), under any key:
    /// a count of the orders' ledger rows would not see a charge made under a key no order kept.
    /// The tests run one at a time, so these are the charges of what the test did since.
    /// </summary>
    public static async Task<long> ChargesSinceAsync(this FederatedStack stack, DateTime since) =>
        Convert.ToInt64(await stack.OrdersScalarAsync(
            "select count(*) from orders.simulated_provider_ledger where created_at >= $1 and outcome in ('Authorized', 'Captured')", since), System.Globalization.CultureInfo.InvariantCulture);

    public static async Task<DateTime> OrdersClockAsync(this FederatedStack stack) =>
        (DateTime)(await stack.OrdersScalarAsync("select clock_timestamp()"))!;

    /// <summary>The Redis key of a cart's lines, as the orders service of this run names it (a signed-in shopper's cart is <c>u.{id}</c>).</summary>
    public static string CartKey(this FederatedStack stack, string cartId) => $"orders-test:{stack.RunId}:cart:{cartId}";

    /// <summary>The shopper's cart as the orders service shows it: each line's SKU and quantity.</summary>
    public static async Task<List<(string? Sku, int Quantity)>> CartLinesAsync(this FederatedStack stack, Shopper shopper) =>
        [.. (await stack.PostAsync(ServiceNames.Orders, "{ cart { lines { id quantity } } }", null, null, shopper.Bearer)).Data.GetProperty("cart").GetProperty("lines")
            .EnumerateArray().Select(l => (l.GetProperty("id").GetString(), l.GetProperty("quantity").GetInt32()))];

    /// <summary>
    /// A placed order of <paramref name="quantity"/> units of <paramref name="sku"/>, packed
    /// (FULFILLING) and kept from the next wave (written as a long step delay would), so that
    /// what follows meets it packed. Returns its id.
    /// </summary>
    public static async Task<string> PackedOrderAsync(this FederatedStack stack, Shopper shopper, string sku, int quantity, string query)
    {
        await stack.AddToCartAsync(shopper, sku, quantity);
        var orderId = (await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!;
        await stack.WaitForStatusAsync(shopper, orderId, query, "FULFILLING");
        await stack.ChangeOneOrderRowAsync("""update orders.orders set "UpdatedAt" = now() + interval '1 hour' where "Id" = $1 and "Status" = 'Fulfilling'""", orderId);
        return orderId;
    }

    /// <summary>
    /// Runs <paramref name="action"/> while Redis refuses writes (no eviction, a limit of one
    /// byte), putting its limit and policy back afterwards whatever happens.
    /// </summary>
    public static async Task<T> WhileRedisRefusesWritesAsync<T>(this FederatedStack stack, Func<Task<T>> action)
    {
        var limit = (await stack.RedisAsync(["config", "get", "maxmemory"])).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        var policy = (await stack.RedisAsync(["config", "get", "maxmemory-policy"])).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        try
        {
            Assert.Equal(0, (await stack.RedisAsync(["config", "set", "maxmemory-policy", "noeviction"])).ExitCode);
            Assert.Equal(0, (await stack.RedisAsync(["config", "set", "maxmemory", "1"])).ExitCode);
            return await action();
        }
        finally
        {
            await stack.RedisAsync(["config", "set", "maxmemory", limit]);
            await stack.RedisAsync(["config", "set", "maxmemory-policy", policy]);
        }
    }

    /// <summary>A redis-cli command against the test run's Redis.</summary>
    public static Task<(int ExitCode, string Output)> RedisAsync(this FederatedStack stack, string[] arguments) =>
        ChildProcess.RunAsync("redis-cli", "redis-cli",
            ["-h", stack.Settings.Host, "-p", stack.Settings.RedisPort.ToString(System.Globalization.CultureInfo.InvariantCulture), .. arguments], TimeSpan.FromSeconds(10));
}
