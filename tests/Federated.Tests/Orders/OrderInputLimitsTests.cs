using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// Values at and past the limits the graph states: the longest that are accepted are stored
/// whole, and the rest get a clear error with its code, never an internal one.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class OrderInputLimitsTests(FederatedStack stack)
{
    /// <summary>
    /// An order past what its amounts can hold (81 lines of 99 units at the catalog's highest
    /// price, 1,000,000.00, with Danish VAT: over ten billion) is far past the fraud rules' hard
    /// limit: declined as they decline, before anything is held, not an internal error.
    /// </summary>
    [Fact]
    public async Task AnOrderPastWhatItsAmountsCanHold_IsDeclined_NotAnInternalError()
    {
        var shopper = stack.NewShopper();
        var skus = new List<string>();
        for (var i = 0; i < 81; i++)
            skus.Add(await stack.StockedSkuAsync("1000000.00", 1, ("FC-EAST", 99)));
        foreach (var sku in skus)
            await stack.AddToCartAsync(shopper, sku, 99);
        var denmark = new { name = "Ada Buyer", line1 = "1 Stroget", city = "Copenhagen", postalCode = "1050", country = "DK" };
        var rate = (await stack.CallAsync(shopper, CartTests.Rates, new { address = denmark })).GetProperty("rates")[0].GetProperty("id").GetString();

        var refused = await stack.PlaceAsync(shopper, key: "past-the-columns", address: denmark, rate: rate!);
        var again = await stack.PlaceAsync(shopper, key: "past-the-columns", address: denmark, rate: rate!);

        Assert.Equal(["FRAUD_DECLINED"], refused.ErrorCodes());
        Assert.Equal(["FRAUD_DECLINED"], again.ErrorCodes());
        Assert.Equal(99, await stack.AvailableAsync(skus[0]));
        Assert.Equal(0L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", shopper.Id));
    }

    /// <summary>
    /// A SKU of 200,000 characters (each '&lt;' six in the JSON of a call to the catalog, past
    /// its request limit) names no variant: VARIANT_NOT_FOUND, not the catalog unavailable.
    /// </summary>
    [Fact]
    public async Task ASkuLongerThanAnyVariantHas_IsVariantNotFound_NotTheCatalogUnavailable()
    {
        // Sent with '<' as itself (a JSON encoder that escapes it would take the request past the
        // service's own limit): 200 KB in, where the catalog's JSON would be 1.2 MB.
        var body = System.Text.Json.JsonSerializer.Serialize(new
        {
            query = CartTests.AddToCart,
            variables = new { input = new { sku = new string('<', 200_000), quantity = 1 } },
        }, new System.Text.Json.JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        var response = await stack.SendAsync(new HttpRequestMessage(HttpMethod.Post, stack.GraphQLUrl(ServiceNames.Orders))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        });
        var added = response.Data.GetProperty("addToCart");

        Assert.Equal(["VARIANT_NOT_FOUND"], added.ErrorCodes());
        Assert.Equal(["input", "sku"], added.GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString()));
    }

    [Fact]
    public async Task ARegionLongerThanAnAddressTakes_IsAnInvalidAddress_ForRatesAndForTheOrder()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);
        var address = new { name = "Ada Buyer", line1 = "1 Hauptstrasse", city = "Berlin", region = new string('R', 101), postalCode = "10115", country = "DE" };

        var placed = await stack.PlaceAsync(shopper, address: address, rate: "dhl-economy-select-europe");
        var rates = await stack.CallAsync(shopper, CartTests.Rates, new { address });

        Assert.Equal(["INVALID_ADDRESS"], placed.ErrorCodes());
        Assert.Equal(["input", "shippingAddress", "region"], placed.GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(["INVALID_ADDRESS"], rates.ErrorCodes());
        Assert.Equal(["input", "address", "region"], rates.GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString()));
        Assert.Equal(5, await stack.AvailableAsync(sku));
    }

    [Fact]
    public async Task AProductAndVariantWithTheLongestNamesTheCatalogTakes_CanBeOrdered()
    {
        var sku = stack.NewSku();
        var (name, title) = (new string('N', 200), new string('T', 200));
        var created = (await stack.AsAdminAsync(CatalogAdmin.CreateProduct, new
        {
            name,
            description = "A product with the longest name.",
            brand = "Testbrand",
            categoryId = "sports-outdoors.backpacks",
            images = new[] { new { url = "https://images.example/long.jpg", alt = "The product with the longest name" } },
            attributes = new[] { new { name = "Material", value = "Nylon" } },
            variants = new[] { new { sku, title, options = new[] { new { name = "Size", value = "M" } }, price = "10.00" } },
        })).Data.GetProperty("createProduct");
        Assert.Empty(created.ErrorCodes());
        Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = "FC-CENTRAL", delta = 3 })).Data.GetProperty("adjustStock").ErrorCodes());
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 1);

        var placed = await stack.PlaceAsync(shopper);

        Assert.Empty(placed.ErrorCodes());
        Assert.Equal($"{name} ({title})", placed.GetProperty("order").GetProperty("lines")[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task ARefusalNamingManyLines_IsAnsweredAndReplayed_WithItsCode()
    {
        var shopper = stack.NewShopper();
        var skus = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 1));
            await stack.AddToCartAsync(shopper, sku, 1);
            skus.Add(sku);
        }
        // Every unit sold elsewhere before the shopper places the cart.
        foreach (var sku in skus)
            Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = "FC-CENTRAL", delta = -1 })).Data.GetProperty("adjustStock").ErrorCodes());

        var refused = await stack.PlaceAsync(shopper, key: "many-lines-gone");
        var replayed = await stack.PlaceAsync(shopper, key: "many-lines-gone");

        Assert.Equal(["OUT_OF_STOCK"], refused.ErrorCodes());
        var message = refused.GetProperty("errors")[0].GetProperty("message").GetString()!;
        Assert.True(message.Length > 500, message);
        Assert.All(skus, sku => Assert.Contains(sku, message));
        Assert.Equal(["OUT_OF_STOCK"], replayed.ErrorCodes());
        Assert.Equal(message, replayed.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    public static TheoryData<string> ForeignCursors => new()
    {
        Cursor("""["x","y"]"""),
        Cursor("[null,null]"),
        Cursor("""["2026-12-05T10:00:00.0000000+00:00"]"""),
        Cursor("""["2026-12-05T10:00:00.0000000+00:00",""]"""),
        Cursor("{}"),
        // A NUL inside the key, past the endpoint's check of the request's text: PostgreSQL refuses it in a query.
        Cursor("""["2026-12-05T10:00:00.0000000+00:00","\u0000"]"""),
        Cursor("""["held","2026-12-05T10:00:00.0000000+00:00","\u0000"]"""),
    };

    /// <summary>
    /// A cursor's time written with another offset is the same instant: the page after it is
    /// the page after the same time in UTC, not an internal error (Npgsql sends only UTC).
    /// </summary>
    [Fact]
    public async Task AnOrderListCursorWrittenWithAnotherOffset_IsTheSameInstant()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var shopper = stack.NewShopper();
        var placed = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            await stack.AddToCartAsync(shopper, sku, 1);
            placed.Add((await stack.PlaceAsync(shopper)).GetProperty("order").GetProperty("id").GetString()!);
        }
        const string query = "query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on User { orders(first: 1, after: $after) { nodes { id } pageInfo { endCursor } } } } }";
        async Task<JsonElement> PageAsync(string? after) =>
            (await stack.PostAsync(ServiceNames.Orders, query, new { r = new[] { new { __typename = "User", id = shopper.Id } }, after }, null, shopper.Bearer))
                .Data.GetProperty("_entities")[0].GetProperty("orders");
        var first = await PageAsync(null);
        Assert.Equal(placed[1], first.GetProperty("nodes")[0].GetProperty("id").GetString());
        var (time, id) = JsonSerializer.Deserialize<string[]>(Base64Url.DecodeFromChars(first.GetProperty("pageInfo").GetProperty("endCursor").GetString()))! switch
        {
            [var t, var i] => (DateTimeOffset.Parse(t, CultureInfo.InvariantCulture), i),
            var other => throw new InvalidOperationException($"A cursor of another shape: {string.Join(", ", other)}"),
        };
        string Written(DateTimeOffset at) => Cursor(JsonSerializer.Serialize(new[] { at.ToString("O", CultureInfo.InvariantCulture), id }));

        var sameInstant = await PageAsync(Written(time.ToOffset(TimeSpan.FromHours(1))));
        var anHourEarlier = await PageAsync(Written(time.AddHours(-1).ToOffset(TimeSpan.FromHours(1))));
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        var held = await stack.PostAsync(ServiceNames.Orders, "query($after: String) { heldOrders(first: 1, after: $after) { nodes { id } } }",
            new { after = Cursor("""["held","2999-12-05T11:00:00.0000000-05:00","ord_x"]""") }, null, admin);

        Assert.Equal([placed[0]], sameInstant.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()));
        Assert.Empty(anHourEarlier.GetProperty("nodes").EnumerateArray());
        Assert.Empty(held.Data.GetProperty("heldOrders").GetProperty("nodes").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(ForeignCursors))]
    public async Task OrderListCursorsOfAnotherShape_AreInvalidCursors(string cursor)
    {
        var shopper = stack.NewShopper();
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));

        var history = await stack.PostAsync(ServiceNames.Orders,
            "query($r: [_Any!]!, $after: String) { _entities(representations: $r) { ... on User { orders(after: $after) { nodes { id } } } } }",
            new { r = new[] { new { __typename = "User", id = shopper.Id } }, after = cursor }, null, shopper.Bearer);
        var held = await stack.PostAsync(ServiceNames.Orders, "query($after: String) { heldOrders(after: $after) { nodes { id } } }", new { after = cursor }, null, admin);

        history.SingleError("INVALID_CURSOR");
        held.SingleError("INVALID_CURSOR");
    }

    /// <summary>
    /// A refusal of <c>heldOrders</c> (a cursor of another list, a shopper asking) is that
    /// field's error: the request's other fields, here another subgraph's through the gateway,
    /// are still answered (the field was non-null, and its error nulled the whole answer).
    /// </summary>
    [Fact]
    public async Task AHeldOrdersRefusal_NullsThatFieldOnly_AndTheRequestsOtherFieldsAreAnswered()
    {
        const string query = "query($after: String) { heldOrders(after: $after) { nodes { id } } categories { id } }";
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        var shopper = stack.NewShopper();

        var foreignCursor = await stack.PostAsync(ServiceNames.Gateway, query, new { after = Cursor("""["2026-12-05T11:00:00.0000000+00:00","ord_x"]""") }, null, admin);
        var asShopper = await stack.PostAsync(ServiceNames.Gateway, query, new { after = (string?)null }, null, shopper.Bearer);

        foreach (var (answer, code) in new[] { (foreignCursor, "INVALID_CURSOR"), (asShopper, "FORBIDDEN") })
        {
            Assert.Equal([code], answer.ErrorCodes);
            var data = answer.Json.GetProperty("data");
            Assert.Equal(JsonValueKind.Null, data.GetProperty("heldOrders").ValueKind);
            Assert.NotEmpty(data.GetProperty("categories").EnumerateArray());
        }
    }

    private static string Cursor(string json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json));
}
