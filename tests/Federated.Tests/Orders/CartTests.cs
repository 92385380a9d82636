using System.Globalization;
using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

[Collection(FederatedCollection.Name)]
public sealed class CartTests(FederatedStack stack)
{
    public const string CartFields = "id itemCount lines { id quantity unitPrice { amount } total { amount } } subtotal { amount currencyCode } discounts { code amount { amount } freeShipping } total { amount }";
    public const string AddToCart = $"mutation($input: AddToCartInput!) {{ addToCart(input: $input) {{ cart {{ {CartFields} }} errors {{ code message field }} }} }}";
    public const string UpdateLine = $"mutation($input: UpdateCartLineInput!) {{ updateCartLine(input: $input) {{ cart {{ {CartFields} }} errors {{ code message field }} }} }}";
    public const string RemoveLine = $"mutation($input: RemoveCartLineInput!) {{ removeCartLine(input: $input) {{ cart {{ {CartFields} }} errors {{ code message field }} }} }}";
    public const string ApplyCode = $"mutation($input: ApplyDiscountCodeInput!) {{ applyDiscountCode(input: $input) {{ cart {{ {CartFields} }} errors {{ code message field }} }} }}";
    private const string CartQuery = $"{{ cart {{ {CartFields} }} }}";
    public const string Rates = "mutation($input: ShippingRatesInput!) { shippingRates(input: $input) { rates { id carrier service price { amount } estimatedDays tax { amount } total { amount } } errors { code field } } }";

    public static readonly object Address = new { name = "Ada Buyer", line1 = "1 Main St", city = "Springfield", region = "IL", postalCode = "62701", country = "US" };

    [Fact]
    public async Task Guest_GetsACartId_AndAddingAgainAddsUp_AtCatalogPrices()
    {
        var sku = await stack.StockedSkuAsync("12.49", null, ("FC-EAST", 20));

        var first = await CallAsync(AddToCart, new { sku, quantity = 2 });
        var cartId = first.GetProperty("cart").GetProperty("id").GetString()!;
        var second = await CallAsync(AddToCart, new { sku, quantity = 3 }, cartId: cartId);

        Assert.StartsWith("g.", cartId);
        var cart = second.GetProperty("cart");
        Assert.Equal(cartId, cart.GetProperty("id").GetString());
        var line = Assert.Single(cart.GetProperty("lines").EnumerateArray());
        Assert.Equal(sku, line.GetProperty("id").GetString());
        Assert.Equal(5, line.GetProperty("quantity").GetInt32());
        Assert.Equal("12.49", line.GetProperty("unitPrice").Amount());
        Assert.Equal("62.45", line.GetProperty("total").Amount());
        Assert.Equal("62.45", cart.GetProperty("subtotal").Amount());
        Assert.Equal("62.45", cart.GetProperty("total").Amount());
        var read = (await QueryAsync(ServiceNames.Orders, CartQuery, cartId: cartId)).Data.GetProperty("cart");
        Assert.Equal(cart.GetRawText(), read.GetRawText());
    }

    [Fact]
    public async Task TwentyAddsAtOnce_ToOneLine_AllCount()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 50));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString()!;

        // The same shopper adding from several devices at once: every add that was accepted is in the cart.
        var adds = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => CallAsync(AddToCart, new { sku, quantity = 2 }, cartId: cartId)));

        Assert.All(adds, a => Assert.Empty(a.ErrorCodes()));
        var line = Assert.Single((await QueryAsync(ServiceNames.Orders, CartQuery, cartId: cartId)).Data.GetProperty("cart").GetProperty("lines").EnumerateArray());
        Assert.Equal(41, line.GetProperty("quantity").GetInt32());
    }

    /// <summary>
    /// A query's root fields run at once, and two aliased <c>cart</c> fields share the request's
    /// pricing: each answers the whole cart, with no error. Its cache of what the catalog said
    /// was a plain dictionary, written by both after their calls to the catalog.
    /// </summary>
    [Fact]
    public async Task AliasedCartFields_InOneQuery_EachAnswerTheWholeCart()
    {
        var shopper = stack.NewShopper();
        var skus = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            skus.Add(await stack.StockedSkuAsync($"{i + 1}.00", 100, ("FC-EAST", 5)));
            await stack.AddToCartAsync(shopper, skus[^1], 1);
        }
        var query = "{ " + string.Concat(Enumerable.Range(0, 12).Select(i => $"c{i}: cart {{ lines {{ id }} subtotal {{ amount }} }} ")) + "}";

        for (var round = 0; round < 5; round++)
        {
            // Each request prices afresh: all twelve fields find no SKU known and ask the catalog.
            var response = await stack.PostAsync(ServiceNames.Orders, query, null, null, shopper.Bearer);

            Assert.Empty(response.ErrorCodes);
            var subtotals = response.Data.EnumerateObject().Select(c => c.Value.GetProperty("subtotal").Amount()).Distinct().ToList();
            Assert.Single(subtotals);
            Assert.All(response.Data.EnumerateObject(), c => Assert.Equal(12, c.Value.GetProperty("lines").GetArrayLength()));
        }
    }

    /// <summary>
    /// Two hundred aliases of <c>cart</c> in one query, on a cart with a code applied: one
    /// answer, one catalog call, one evaluation of the code. Each alias read the cart, asked the
    /// catalog and evaluated the code on a connection of its own, at once: a query of a few
    /// hundred kilobytes took the service's database connections and the catalog's turns.
    /// </summary>
    [Fact]
    public async Task TwoHundredAliasesOfTheCart_CostOneCatalogCall_AndOneEvaluationOfItsCode()
    {
        var shopper = stack.NewShopper();
        for (var i = 0; i < 3; i++)
            await stack.AddToCartAsync(shopper, await stack.StockedSkuAsync($"{i + 40}.00", 100, ("FC-EAST", 5)), 1);
        Assert.Empty((await stack.CallAsync(shopper, ApplyCode, new { code = "WELCOME10" })).ErrorCodes());
        var query = "{ " + string.Concat(Enumerable.Range(0, 200).Select(i => $"c{i}: cart {{ lines {{ id }} total {{ amount }} }} ")) + "}";

        var (response, delta) = await stack.MeasureAsync(() => stack.PostAsync(ServiceNames.Orders, query, null, null, shopper.Bearer), ServiceNames.Orders, ServiceNames.Catalog);

        Assert.Empty(response.ErrorCodes);
        Assert.Single(response.Data.EnumerateObject().Select(c => c.Value.GetProperty("total").Amount()).Distinct());
        Assert.All(response.Data.EnumerateObject(), c => Assert.Equal(3, c.Value.GetProperty("lines").GetArrayLength()));
        // The catalog's variant lookups (its other requests are fulfillment's), and the orders
        // service's round trips with its background work's (about 35 before, one per alias).
        Assert.True(delta[ServiceNames.Catalog].EntityRequests == 1, $"Expected one variant lookup: {delta[ServiceNames.Catalog]}");
        Assert.True(delta[ServiceNames.Orders].StoreRoundTrips < 10, $"Expected the code evaluated once: {delta[ServiceNames.Orders]}");
    }

    [Fact]
    public async Task CartLines_ResolveTheirVariantAndProduct_ThroughTheGateway()
    {
        var sku = await stack.StockedSkuAsync(("FC-WEST", 5));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();

        var response = await QueryAsync(ServiceNames.Gateway,
            "{ cart { lines { quantity variant { sku title quantityAvailable product { name brand } } } } }", cartId: cartId);

        var variant = response.Data.GetProperty("cart").GetProperty("lines")[0].GetProperty("variant");
        Assert.Equal(sku, variant.GetProperty("sku").GetString());
        Assert.Equal(5, variant.GetProperty("quantityAvailable").GetInt32());
        Assert.Equal("Test Trail Backpack", variant.GetProperty("product").GetProperty("name").GetString());
    }

    [Theory]
    [InlineData(0, "INVALID_QUANTITY")]
    [InlineData(100, "INVALID_QUANTITY")]
    [InlineData(4, "INSUFFICIENT_STOCK")]
    public async Task AddToCart_RefusesBadQuantities(int quantity, string code)
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 3));

        var result = await CallAsync(AddToCart, new { sku, quantity });

        Assert.Equal([code], result.ErrorCodes());
        Assert.Equal(JsonValueKind.Null, result.GetProperty("cart").ValueKind);
    }

    [Fact]
    public async Task AddToCart_CountsWhatIsAlreadyInTheCart_AgainstStock()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 3));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 2 })).GetProperty("cart").GetProperty("id").GetString();

        var result = await CallAsync(AddToCart, new { sku, quantity = 2 }, cartId: cartId);

        Assert.Equal(["INSUFFICIENT_STOCK"], result.ErrorCodes());
    }

    [Fact]
    public async Task AddToCart_RefusesAnUnknownSku()
    {
        Assert.Equal(["VARIANT_NOT_FOUND"], (await CallAsync(AddToCart, new { sku = "SKU-9999999-99", quantity = 1 })).ErrorCodes());
    }

    [Theory]
    [InlineData("g.short")]
    [InlineData("anything")]
    public async Task CartIds_OtherThanGuestIds_AreNotAccepted(string cartId)
    {
        var response = await QueryAsync(ServiceNames.Orders, CartQuery, cartId: cartId);

        response.SingleError("CART_NOT_FOUND");
    }

    /// <summary>
    /// An account's cart id sent by a guest (the same client after signing out, still sending the
    /// Cart.id it was last given) or by another account names no cart: the guest starts a cart of
    /// their own, the other account works on its own, and nothing of the named cart is seen or
    /// changed. It was CART_NOT_FOUND on every cart operation, with no data, until the client
    /// dropped the header.
    /// </summary>
    [Fact]
    public async Task AnAccountsCartId_SentByAnyoneElse_NamesNoCart()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var (owner, other) = (await stack.RegisterAsync(), await stack.RegisterAsync());
        var ownCart = (await CallAsync(AddToCart, new { sku, quantity = 2 }, owner)).GetProperty("cart").GetProperty("id").GetString()!;
        Assert.StartsWith("u.", ownCart, StringComparison.Ordinal);

        var signedOut = (await QueryAsync(ServiceNames.Orders, CartQuery, cartId: ownCart)).Data.GetProperty("cart");
        var added = (await CallAsync(AddToCart, new { sku, quantity = 1 }, cartId: ownCart)).GetProperty("cart");
        var another = (await CallAsync(AddToCart, new { sku, quantity = 3 }, other, ownCart)).GetProperty("cart");
        var owners = (await QueryAsync(ServiceNames.Orders, CartQuery, owner)).Data.GetProperty("cart");

        Assert.Equal(JsonValueKind.Null, signedOut.ValueKind);
        Assert.StartsWith("g.", added.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, added.GetProperty("itemCount").GetInt32());
        Assert.Equal(3, another.GetProperty("itemCount").GetInt32());
        Assert.Equal((ownCart, 2), (owners.GetProperty("id").GetString(), owners.GetProperty("itemCount").GetInt32()));
    }

    /// <summary>
    /// A signed-in client that sends back the Cart.id it was given (its own cart's) names its own
    /// cart, for a cart operation and for placing it; another account sending that id works on
    /// its own cart (it was CART_NOT_FOUND before the fifteenth session; see AnAccountsCartId_SentByAnyoneElse_NamesNoCart).
    /// </summary>
    [Fact]
    public async Task ASignedInShopperSendingBackItsOwnCartId_WorksOnItsOwnCart()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var (account, other) = (await stack.RegisterAsync(), await stack.RegisterAsync());
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 }, account)).GetProperty("cart").GetProperty("id").GetString();
        Assert.Equal($"u.{account.Id}", cartId);

        var added = await CallAsync(AddToCart, new { sku, quantity = 1 }, account, cartId);
        var placed = (await stack.PostAsync(ServiceNames.Orders, Checkout.PlaceOrder, new
        {
            input = new { idempotencyKey = "own-cart-id", shippingAddress = Checkout.Illinois, shippingRateId = "usps-ground-advantage-domestic", payment = new { cardToken = "tok_visa" } },
        }, null, Headers(account, cartId))).Data.GetProperty("placeOrder");

        Assert.Empty(added.ErrorCodes());
        Assert.Equal(2, added.GetProperty("cart").GetProperty("itemCount").GetInt32());
        Assert.Empty(placed.ErrorCodes());
        Assert.Equal(2, placed.GetProperty("order").GetProperty("lines")[0].GetProperty("quantity").GetInt32());
        var others = (await QueryAsync(ServiceNames.Orders, CartQuery, other, cartId)).Data.GetProperty("cart");
        Assert.Equal(($"u.{other.Id}", 0), (others.GetProperty("id").GetString(), others.GetProperty("itemCount").GetInt32()));
    }

    [Fact]
    public async Task UpdateAndRemoveLines()
    {
        var (a, b) = (await stack.StockedSkuAsync(("FC-EAST", 10)), await stack.StockedSkuAsync(("FC-EAST", 10)));
        var cartId = (await CallAsync(AddToCart, new { sku = a, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();
        await CallAsync(AddToCart, new { sku = b, quantity = 1 }, cartId: cartId);

        var updated = await CallAsync(UpdateLine, new { lineId = a, quantity = 4 }, cartId: cartId);
        Assert.Equal(5, updated.GetProperty("cart").GetProperty("itemCount").GetInt32());
        var zero = await CallAsync(UpdateLine, new { lineId = a, quantity = 0 }, cartId: cartId);
        Assert.Equal([b], zero.GetProperty("cart").GetProperty("lines").EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        var removed = await CallAsync(RemoveLine, new { lineId = b }, cartId: cartId);
        Assert.Empty(removed.GetProperty("cart").GetProperty("lines").EnumerateArray());
        Assert.Equal(["CART_LINE_NOT_FOUND"], (await CallAsync(RemoveLine, new { lineId = b }, cartId: cartId)).ErrorCodes());
        Assert.Equal(["INSUFFICIENT_STOCK"], (await CallAsync(AddToCart, new { sku = a, quantity = 11 }, cartId: cartId)).ErrorCodes());
    }

    /// <summary>
    /// A line whose variant the catalog no longer has (written here straight into the cart, as a
    /// variant removed after it was added leaves it): changing it names the input field the
    /// client sent, lineId, not one updateCartLine does not have.
    /// </summary>
    [Fact]
    public async Task ALineWhoseVariantIsGone_IsRefusedOnItsLineId()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString()!;
        var (exitCode, output) = await stack.RedisAsync(["hset", stack.CartKey(cartId), "SKU-GONE-0000001", "1"]);
        Assert.True(exitCode == 0, output);

        var payload = await CallAsync(UpdateLine, new { lineId = "SKU-GONE-0000001", quantity = 2 }, cartId: cartId);

        Assert.Equal(["VARIANT_NOT_FOUND"], payload.ErrorCodes());
        Assert.Equal(["input", "lineId"], payload.GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString()));
    }

    /// <summary>
    /// Redis up but refusing writes (out of memory here; a replica promoted after a failover
    /// answers READONLY alike): an add is SERVICE_UNAVAILABLE, worth trying again, not an
    /// internal error. Redis's limit and policy are put back whatever happens.
    /// </summary>
    [Fact]
    public async Task RedisRefusingWrites_IsServiceUnavailable()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var refused = await stack.WhileRedisRefusesWritesAsync(() => stack.PostAsync(ServiceNames.Orders, AddToCart, new { input = new { sku, quantity = 1 } }));

        refused.SingleError("SERVICE_UNAVAILABLE");
        Assert.Empty((await CallAsync(AddToCart, new { sku, quantity = 1 })).ErrorCodes());
    }

    /// <summary>
    /// Redis refusing writes because it has fewer replicas than its min-replicas-to-write
    /// (NOREPLICAS; a MISCONF after a failed snapshot alike): an add is SERVICE_UNAVAILABLE, not
    /// an internal error, as it was. The setting is put back whatever happens.
    /// </summary>
    [Fact]
    public async Task RedisWithTooFewReplicas_IsServiceUnavailable()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        GraphQLResponse refused;
        try
        {
            Assert.Equal(0, (await stack.RedisAsync(["config", "set", "min-replicas-to-write", "1"])).ExitCode);
            refused = await stack.PostAsync(ServiceNames.Orders, AddToCart, new { input = new { sku, quantity = 1 } });
        }
        finally
        {
            await stack.RedisAsync(["config", "set", "min-replicas-to-write", "0"]);
        }

        refused.SingleError("SERVICE_UNAVAILABLE");
        Assert.Empty((await CallAsync(AddToCart, new { sku, quantity = 1 })).ErrorCodes());
    }

    /// <summary>
    /// Every cart write Redis refuses is SERVICE_UNAVAILABLE, not only the add: setting a line's
    /// quantity and applying a code were MULTI/EXEC transactions, which Redis discards with
    /// EXECABORT (no reason given) when it refuses their writes, and were internal errors.
    /// </summary>
    [Fact]
    public async Task RedisRefusingWrites_IsServiceUnavailable_ForEveryCartChange()
    {
        var sku = await stack.StockedSkuAsync("25.00", null, ("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();

        var (update, code) = await stack.WhileRedisRefusesWritesAsync(async () => (
            await stack.PostAsync(ServiceNames.Orders, UpdateLine, new { input = new { lineId = sku, quantity = 2 } }, null, Headers(null, cartId)),
            await stack.PostAsync(ServiceNames.Orders, ApplyCode, new { input = new { code = "WELCOME10" } }, null, Headers(null, cartId))));

        update.SingleError("SERVICE_UNAVAILABLE");
        code.SingleError("SERVICE_UNAVAILABLE");
        var cart = (await CallAsync(UpdateLine, new { lineId = sku, quantity = 2 }, cartId: cartId)).GetProperty("cart");
        Assert.Equal([(sku, 2)], Lines(cart));
        Assert.Empty((await CallAsync(ApplyCode, new { code = "WELCOME10" }, cartId: cartId)).ErrorCodes());
    }

    /// <summary>
    /// Setting a line's quantity while the same cart is written from elsewhere (adds of other
    /// lines, through a second instance with its own connection to Redis) sets it: the line is
    /// there. As a watched MULTI/EXEC, any write to the cart between the watch and the exec
    /// discarded it, answered CART_LINE_NOT_FOUND.
    /// </summary>
    [Fact]
    public async Task SettingALineWhileOtherLinesAreAdded_SetsIt()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 99));
        var others = new List<string>();
        for (var i = 0; i < 4; i++)
            others.Add(await stack.StockedSkuAsync(("FC-EAST", 99)));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();
        using var second = await stack.StartInstanceAsync(ServiceNames.Orders, "orders-second-writer", new Dictionary<string, string>());

        var adds = Task.Run(async () =>
        {
            var answers = new List<string>();
            for (var round = 0; round < 20; round++)
                foreach (var other in others)
                    answers.AddRange((await stack.PostAsync("orders-second-writer", AddToCart, new { input = new { sku = other, quantity = 1 } }, null, Headers(null, cartId)))
                        .Data.GetProperty("addToCart").ErrorCodes());
            return answers;
        });
        var (refusals, set, last) = (new List<string>(), 0, 0);
        for (var quantity = 1; !adds.IsCompleted; quantity = quantity % 50 + 1, set++)
        {
            var answer = await CallAsync(UpdateLine, new { lineId = sku, quantity }, cartId: cartId);
            refusals.AddRange(answer.ErrorCodes());
            last = quantity;
        }

        Assert.Empty(await adds);
        Assert.Empty(refusals);
        Assert.True(set >= 5, $"The line was set {set} times while the other lines were added.");
        var lines = (await QueryAsync(ServiceNames.Orders, CartQuery, cartId: cartId)).Data.GetProperty("cart").GetProperty("lines").EnumerateArray()
            .ToDictionary(l => l.GetProperty("id").GetString()!, l => l.GetProperty("quantity").GetInt32());
        Assert.Equal(others.ToDictionary(o => o, _ => 20).Append(new(sku, last)).ToDictionary(), lines);
    }

    [Fact]
    public async Task SigningIn_MergesTheGuestCart_IntoTheAccountCart()
    {
        var (a, b) = (await stack.StockedSkuAsync(("FC-EAST", 10)), await stack.StockedSkuAsync(("FC-EAST", 10)));
        var account = await stack.RegisterAsync();
        await CallAsync(AddToCart, new { sku = a, quantity = 1 }, account);
        var guestCart = (await CallAsync(AddToCart, new { sku = a, quantity = 2 })).GetProperty("cart").GetProperty("id").GetString();
        await CallAsync(AddToCart, new { sku = b, quantity = 1 }, cartId: guestCart);

        var merged = (await QueryAsync(ServiceNames.Gateway, CartQuery, account, guestCart)).Data.GetProperty("cart");

        Assert.Equal($"u.{account.Id}", merged.GetProperty("id").GetString());
        Assert.Equal([(a, 3), (b, 1)], Lines(merged).OrderBy(l => l.Sku, StringComparer.Ordinal));
        var guestAfter = (await QueryAsync(ServiceNames.Orders, CartQuery, cartId: guestCart)).Data.GetProperty("cart");
        Assert.Empty(guestAfter.GetProperty("lines").EnumerateArray());
    }

    [Fact]
    public async Task SigningIn_TheGuestLinesKeepTheTermsTheyWerePricedAt_SoPlacingAsksTheCatalogOnlyToReserve()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var account = await stack.RegisterAsync();

        var (placed, delta) = await stack.MeasureAsync(async () =>
        {
            var guestCart = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();
            await QueryAsync(ServiceNames.Orders, CartQuery, account, guestCart);
            return await stack.PlaceAsync(new Shopper(account.Id, account.Token));
        }, ServiceNames.Catalog);

        Assert.Empty(placed.ErrorCodes());
        Assert.Equal($"Test Trail Backpack (Variant {sku})", placed.GetProperty("order").GetProperty("lines")[0].GetProperty("title").GetString());
        // The guest's add and the signed-in view each priced the cart; placing it looked nothing up.
        Assert.True(delta[ServiceNames.Catalog].EntityRequests == 2, $"Expected two variant lookups: {delta[ServiceNames.Catalog]}");
    }

    [Fact]
    public async Task TermsRecordedForALine_ThatCannotBeRead_AreNotUsed_TheLineIsPricedFromTheCatalog()
    {
        var sku = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 10));
        var shopper = stack.NewShopper();
        await stack.AddToCartAsync(shopper, sku, 2);
        // What a record written by another version, or damaged, may look like.
        var (exitCode, output) = await RedisAsync(["hset", CartKey($"u.{shopper.Id}") + ":terms", sku, "{\"sku\":"]);
        Assert.True(exitCode == 0, output);

        var placed = await stack.PlaceAsync(shopper);

        Assert.Empty(placed.ErrorCodes());
        Assert.Equal("20.00", placed.GetProperty("order").GetProperty("subtotal").Amount());
        Assert.Equal($"Test Trail Backpack (Variant {sku})", placed.GetProperty("order").GetProperty("lines")[0].GetProperty("title").GetString());
    }

    [Fact]
    public async Task SigningIn_WhileAddingFromAnotherDevice_LosesNoUnit()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 50));
        var account = await stack.RegisterAsync();
        await CallAsync(AddToCart, new { sku, quantity = 1 }, account);
        var guestCart = (await CallAsync(AddToCart, new { sku, quantity = 2 })).GetProperty("cart").GetProperty("id").GetString();

        var adds = Enumerable.Range(0, 10).Select(_ => CallAsync(AddToCart, new { sku, quantity = 1 }, account)).ToList();
        var merge = QueryAsync(ServiceNames.Orders, CartQuery, account, guestCart);
        await Task.WhenAll([.. adds, merge]);

        var cart = (await QueryAsync(ServiceNames.Orders, CartQuery, account)).Data.GetProperty("cart");
        Assert.Equal([(sku, 13)], Lines(cart));
    }

    [Fact]
    public async Task OneShopper_NeverSeesAnothersCart()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var (alice, bob) = (await stack.RegisterAsync(), await stack.RegisterAsync());
        await CallAsync(AddToCart, new { sku, quantity = 2 }, alice);

        var bobs = (await QueryAsync(ServiceNames.Gateway, CartQuery, bob)).Data.GetProperty("cart");

        Assert.Equal($"u.{bob.Id}", bobs.GetProperty("id").GetString());
        Assert.Empty(bobs.GetProperty("lines").EnumerateArray());
    }

    [Fact]
    public async Task Carts_AreKept30DaysFromTheLastChange()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();

        var (exitCode, output) = await RedisAsync(["ttl", CartKey(cartId!)]);

        Assert.Equal(0, exitCode);
        Assert.InRange(long.Parse(output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture), 30 * 86400 - 60, 30 * 86400);
    }

    [Fact]
    public async Task AddsOfDifferentSkusAtOnce_NeverTakeACartPastItsLines()
    {
        var first = await stack.StockedSkuAsync(("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku = first, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString()!;
        await FillAsync(cartId, 98);
        var skus = new List<string>();
        for (var i = 0; i < 5; i++)
            skus.Add(await stack.StockedSkuAsync(("FC-EAST", 10)));

        // Five new lines at once for the one place left.
        var adds = await Task.WhenAll(skus.Select(sku => CallAsync(AddToCart, new { sku, quantity = 1 }, cartId: cartId)));

        Assert.Single(adds, a => a.ErrorCodes().Count == 0);
        Assert.Equal(4, adds.Count(a => a.ErrorCodes().SequenceEqual(["CART_FULL"])));
        Assert.Equal(100, await LineCountAsync(cartId));
    }

    [Fact]
    public async Task SigningIn_WithAGuestCartThatDoesNotFit_MovesWhatFits_AndKeepsTheRestForLater()
    {
        var skus = new List<string>();
        for (var i = 0; i < 3; i++)
            skus.Add(await stack.StockedSkuAsync(("FC-EAST", 10)));
        var account = await stack.RegisterAsync();
        var guestCart = (await CallAsync(AddToCart, new { sku = skus[0], quantity = 1 })).GetProperty("cart").GetProperty("id").GetString()!;
        await CallAsync(AddToCart, new { sku = skus[1], quantity = 2 }, cartId: guestCart);
        await CallAsync(AddToCart, new { sku = skus[2], quantity = 3 }, cartId: guestCart);
        var own = $"u.{account.Id}";
        await FillAsync(own, 98);

        await QueryAsync(ServiceNames.Orders, CartQuery, account, guestCart);

        // Two of the three fit; the third waits in the guest cart rather than being dropped.
        Assert.Equal(100, await LineCountAsync(own));
        Assert.Equal(1, await LineCountAsync(guestCart));
        // Looking at the cart again moves nothing (still no room), so it is no change: the
        // account cart's 30 days are not renewed (they were, by every request naming the guest cart).
        Assert.Equal(0, (await RedisAsync(["pexpire", CartKey(own), "600000"])).ExitCode);
        await QueryAsync(ServiceNames.Orders, CartQuery, account, guestCart);
        Assert.InRange(long.Parse((await RedisAsync(["ttl", CartKey(own)])).Output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture), 1, 600);
        await CallAsync(RemoveLine, new { lineId = "FILLER-001" }, account);
        await CallAsync(RemoveLine, new { lineId = "FILLER-002" }, account);
        var merged = (await QueryAsync(ServiceNames.Orders, CartQuery, account, guestCart)).Data.GetProperty("cart");
        Assert.Equal([(skus[0], 1), (skus[1], 2), (skus[2], 3)], Lines(merged).OrderBy(l => l.Quantity));
        Assert.Equal(99, await LineCountAsync(own));
        Assert.Equal(0, await LineCountAsync(guestCart));
    }

    /// <summary>
    /// Redis paused longer than the service waits for it (5 s): the shopper gets a code that says
    /// to try again, not an internal error, and the same add works once Redis answers again.
    /// </summary>
    [Fact]
    public async Task WhileRedisDoesNotAnswer_AddingSaysTheServiceIsUnavailable_AndWorksAgainAfter()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var account = await stack.RegisterAsync();

        var (exitCode, output) = await RedisAsync(["client", "pause", "8000", "ALL"]);
        Assert.True(exitCode == 0, output);
        var response = await stack.PostAsync(ServiceNames.Orders, AddToCart, new { input = new { sku, quantity = 1 } }, null, Headers(account, null));

        Assert.Equal(["SERVICE_UNAVAILABLE"], response.ErrorCodes);
        await Eventually.WaitForAsync(async () => (await CallAsync(AddToCart, new { sku, quantity = 1 }, account)).ErrorCodes().Count == 0,
            () => "The cart did not work again after Redis came back.");
    }

    /// <summary>
    /// Redis stalled (writes paused longer than the service waits, 5 s) after the add was sent:
    /// Redis still makes the change when it goes on, so the answer says so and not to repeat
    /// it. It was SERVICE_UNAVAILABLE ("try again"), and the retry added the units a second time.
    /// </summary>
    [Fact]
    public async Task AnAddSentToAStalledRedis_IsAnsweredNotToBeRepeated_AndIsMadeOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var account = await stack.RegisterAsync();
        await CallAsync(AddToCart, new { sku, quantity = 1 }, account);

        var (exitCode, output) = await RedisAsync(["client", "pause", "8000", "WRITE"]);
        Assert.True(exitCode == 0, output);
        var response = await stack.PostAsync(ServiceNames.Orders, AddToCart, new { input = new { sku, quantity = 1 } }, null, Headers(account, null));

        Assert.Empty(response.ErrorCodes);
        Assert.Equal(["CART_CHANGE_UNCONFIRMED"], response.Data.GetProperty("addToCart").ErrorCodes());
        // A write of our own, which waits for the pause's end, behind the add.
        Assert.Equal(0, (await RedisAsync(["set", $"test:probe:{Guid.NewGuid():N}", "1", "px", "60000"])).ExitCode);
        Assert.Equal("2", (await RedisAsync(["hget", CartKey($"u.{account.Id}"), sku])).Output.Trim().Split('\n')[^1]);
    }

    [Fact]
    public async Task DiscountCodes_Percentage_IsExactToTheCent()
    {
        var sku = await stack.StockedSkuAsync("19.99", null, ("FC-EAST", 10));
        var account = await stack.RegisterAsync();
        await CallAsync(AddToCart, new { sku, quantity = 3 }, account);

        var cart = (await CallAsync(ApplyCode, new { code = "welcome10" }, account)).GetProperty("cart");

        Assert.Equal("59.97", cart.GetProperty("subtotal").Amount());
        var discount = Assert.Single(cart.GetProperty("discounts").EnumerateArray());
        Assert.Equal("WELCOME10", discount.GetProperty("code").GetString());
        Assert.Equal("6.00", discount.GetProperty("amount").Amount());   // 5.997 rounds half away from zero
        Assert.Equal("53.97", cart.GetProperty("total").Amount());
    }

    [Theory]
    [InlineData("SAVE20", "DISCOUNT_MINIMUM_NOT_MET")]
    [InlineData("SUMMER15", "DISCOUNT_CODE_EXPIRED")]
    [InlineData("NOPE", "DISCOUNT_CODE_NOT_FOUND")]
    public async Task DiscountCodes_ThatDoNotApply_AreRefused(string code, string error)
    {
        var sku = await stack.StockedSkuAsync("19.99", null, ("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();

        Assert.Equal([error], (await CallAsync(ApplyCode, new { code }, cartId: cartId)).ErrorCodes());
    }

    [Fact]
    public async Task FixedAmountCode_StopsApplying_WhenTheSubtotalDropsBelowItsMinimum()
    {
        var sku = await stack.StockedSkuAsync("60.00", null, ("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 2 })).GetProperty("cart").GetProperty("id").GetString();
        var applied = (await CallAsync(ApplyCode, new { code = "SAVE20" }, cartId: cartId)).GetProperty("cart");
        Assert.Equal("100.00", applied.GetProperty("total").Amount());

        var fewer = (await CallAsync(UpdateLine, new { lineId = sku, quantity = 1 }, cartId: cartId)).GetProperty("cart");

        Assert.Empty(fewer.GetProperty("discounts").EnumerateArray());
        Assert.Equal("60.00", fewer.GetProperty("total").Amount());
    }

    [Fact]
    public async Task ShippingRates_GoByWeightAndDestination_CheapestFirst()
    {
        var light = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 50));
        var heavy = await stack.StockedSkuAsync("10.00", 9_000, ("FC-EAST", 50));
        var lightCart = (await CallAsync(AddToCart, new { sku = light, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();
        var heavyCart = (await CallAsync(AddToCart, new { sku = heavy, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();

        var lightRates = RatesOf(await CallAsync(Rates, new { address = Address }, cartId: lightCart));
        var heavyRates = RatesOf(await CallAsync(Rates, new { address = Address }, cartId: heavyCart));
        var alaska = RatesOf(await CallAsync(Rates, new { address = new { name = "A", line1 = "1 Rd", city = "Juneau", region = "AK", postalCode = "99801", country = "US" } }, cartId: lightCart));

        Assert.Equal(lightRates.Select(r => r.Price).Order(), lightRates.Select(r => r.Price));
        Assert.Equal(("usps-ground-advantage-domestic", 5.40m), lightRates[0]);
        Assert.Equal(5.40m + 0.95m * 8, heavyRates.Single(r => r.Id == "usps-ground-advantage-domestic").Price);
        Assert.Equal(9.80m, alaska.Single(r => r.Id == "usps-ground-advantage-domesticremote").Price);
    }

    [Fact]
    public async Task FreeShippingCode_MakesStandardServicesFree_WithinTheUS()
    {
        var sku = await stack.StockedSkuAsync("40.00", 1_500, ("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();
        var applied = await CallAsync(ApplyCode, new { code = "FREESHIP" }, cartId: cartId);
        Assert.Empty(applied.ErrorCodes());

        var answer = await CallAsync(Rates, new { address = Address }, cartId: cartId);
        var rates = RatesOf(answer);

        // Money reads with its cents, as an order's does: "0.00", not "0".
        Assert.Equal("0.00", applied.GetProperty("cart").GetProperty("discounts")[0].GetProperty("amount").Amount());
        Assert.Equal("0.00", answer.GetProperty("rates").EnumerateArray().Single(r => r.GetProperty("id").GetString() == "usps-ground-advantage-domestic").GetProperty("price").Amount());
        Assert.Equal(0m, rates.Single(r => r.Id == "usps-ground-advantage-domestic").Price);
        Assert.Equal(0m, rates.Single(r => r.Id == "ups-ground-domestic").Price);
        Assert.True(rates.Single(r => r.Id == "fedex-priority-overnight-domestic").Price > 0m);

        // A domestic offer: abroad, the standard service costs what it costs (1.5 kg: two started kilograms).
        var berlin = RatesOf(await CallAsync(Rates, new { address = new { name = "A", line1 = "Unter den Linden 1", city = "Berlin", postalCode = "10117", country = "DE" } }, cartId: cartId));
        Assert.Equal(24.00m + 4.30m, berlin.Single(r => r.Id == "dhl-economy-select-europe").Price);
    }

    [Theory]
    [InlineData("BR", "SP", "SHIPPING_DESTINATION_UNSUPPORTED")]
    [InlineData("US", null, "UNKNOWN_REGION")]
    [InlineData("USA", "IL", "INVALID_ADDRESS")]
    public async Task ShippingRates_RefuseAddressesTheyCannotServe(string country, string? region, string code)
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();

        var result = await CallAsync(Rates, new { address = new { name = "A", line1 = "1 Rd", city = "X", region, postalCode = "1", country } }, cartId: cartId);

        Assert.Equal([code], result.ErrorCodes());
        Assert.Empty(result.GetProperty("rates").EnumerateArray());
    }

    /// <summary>
    /// A US state written out, as an address saved in the users service may have it, is the
    /// state (its tax: 6.25% of 10.00 in Illinois, 4% in New York), and Puerto Rico by its own
    /// country code is the US's remote zone and its tax (10.5%). Both were refused before
    /// (UNKNOWN_REGION, SHIPPING_DESTINATION_UNSUPPORTED).
    /// </summary>
    [Theory]
    [InlineData("US", "Illinois", "usps-ground-advantage-domestic", "0.63")]
    [InlineData(" us", " new  York ", "usps-ground-advantage-domestic", "0.40")]
    [InlineData("PR", null, "usps-ground-advantage-domesticremote", "1.05")]
    [InlineData("pr", "San Juan", "usps-ground-advantage-domesticremote", "1.05")]
    public async Task ShippingRates_ReadAStateByItsName_AndPuertoRicoByItsOwnCode(string country, string? region, string rate, string tax)
    {
        var sku = await stack.StockedSkuAsync("10.00", 400, ("FC-EAST", 10));
        var cartId = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString();

        var result = await CallAsync(Rates, new { address = new { name = "A", line1 = "1 Rd", city = "X", region, postalCode = "00901", country } }, cartId: cartId);

        Assert.Empty(result.ErrorCodes());
        Assert.Equal(tax, result.GetProperty("rates").EnumerateArray().Single(r => r.GetProperty("id").GetString() == rate).GetProperty("tax").Amount());
    }

    [Fact]
    public async Task ALineRemovedWhileItsQuantityIsSet_StaysRemoved()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 50));
        var cartId = (await CallAsync(AddToCart, new { sku = await stack.StockedSkuAsync(("FC-EAST", 5)), quantity = 1 })).GetProperty("cart").GetProperty("id").GetString()!;
        for (var round = 0; round < 20; round++)
        {
            Assert.Empty((await CallAsync(AddToCart, new { sku, quantity = 1 }, cartId: cartId)).ErrorCodes());

            // Set to 3 in one tab, removed in another, at once: whichever comes first, the
            // removal is not undone (the setting answers CART_LINE_NOT_FOUND when it comes second).
            var answers = await Task.WhenAll(
                CallAsync(UpdateLine, new { lineId = sku, quantity = 3 }, cartId: cartId),
                CallAsync(RemoveLine, new { lineId = sku }, cartId: cartId));
            var lines = (await QueryAsync(ServiceNames.Orders, CartQuery, cartId: cartId)).Data.GetProperty("cart").GetProperty("lines");

            Assert.Empty(answers[1].ErrorCodes());
            Assert.True(answers[0].ErrorCodes() is [] or ["CART_LINE_NOT_FOUND"], answers[0].ToString());
            Assert.DoesNotContain(sku, lines.EnumerateArray().Select(l => l.GetProperty("id").GetString()));
        }
    }

    /// <summary>
    /// A guest's line merged into an account's cart keeps the price the guest was shown, over
    /// terms an old line of the account left behind. A cart query records the price it shows
    /// and renews that record alone, so the record can outlive its line: here a shopper saw the
    /// SKU at 13.00, the line went (its 30 days), the price went back to 10.00, and the shopper,
    /// as a guest, added it at 10.00 and signed in. Before, the old 13.00 won the merge: the
    /// shipping quote was priced at it, and placing the order was refused PRICE_CHANGED.
    /// </summary>
    [Fact]
    public async Task AGuestLineMerged_OverTermsAnOldLineLeftBehind_KeepsThePriceTheGuestWasShown()
    {
        var shopper = stack.NewShopper();
        var sku = await stack.StockedSkuAsync("10.00", null, ("FC-EAST", 20));
        async Task PriceAsync(string price) =>
            Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku, price })).Data.GetProperty("updateVariant").ErrorCodes());
        await stack.AddToCartAsync(shopper, sku, 1);
        await PriceAsync("13.00");
        var shown = (await stack.PostAsync(ServiceNames.Orders, CartQuery, null, null, shopper.Bearer)).Data.GetProperty("cart");
        Assert.Equal("13.00", shown.GetProperty("lines")[0].GetProperty("unitPrice").Amount());
        // The line's 30 days end; the record of the price it was shown at was renewed since.
        Assert.Equal(0, (await RedisAsync(["del", CartKey($"u.{shopper.Id}")])).ExitCode);
        await PriceAsync("10.00");
        var guestCart = (await CallAsync(AddToCart, new { sku, quantity = 1 })).GetProperty("cart").GetProperty("id").GetString()!;
        var guestQuote = Totals(await CallAsync(Rates, new { address = Address }, cartId: guestCart));

        var headers = shopper.Bearer;
        headers["X-Cart-Id"] = guestCart;
        var mergedQuote = Totals((await stack.PostAsync(ServiceNames.Orders, Rates, new { input = new { address = Address } }, null, headers)).Data.GetProperty("shippingRates"));
        var placed = await stack.PlaceAsync(shopper);

        Assert.Equal(guestQuote, mergedQuote);
        Assert.Empty(placed.ErrorCodes());
    }

    private async Task<JsonElement> CallAsync(string mutation, object input, Account? account = null, string? cartId = null) =>
        (await stack.PostAsync(ServiceNames.Orders, mutation, new { input }, null, Headers(account, cartId))).Data.EnumerateObject().Single().Value;

    private Task<GraphQLResponse> QueryAsync(string service, string query, Account? account = null, string? cartId = null) =>
        stack.PostAsync(service, query, null, null, Headers(account, cartId));

    /// <summary>Who asks: the account's token and the guest cart (API.md: X-Cart-Id).</summary>
    public static Dictionary<string, string> Headers(Account? account, string? cartId)
    {
        var headers = account?.Bearer ?? [];
        if (cartId is not null)
            headers["X-Cart-Id"] = cartId;
        return headers;
    }

    private static List<(string Sku, int Quantity)> Lines(JsonElement cart) =>
        [.. cart.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("id").GetString()!, l.GetProperty("quantity").GetInt32()))];

    private static List<(string Id, string Total)> Totals(JsonElement payload)
    {
        Assert.Empty(payload.ErrorCodes());
        return [.. payload.GetProperty("rates").EnumerateArray().Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("total").Amount()))];
    }

    private static List<(string Id, decimal Price)> RatesOf(JsonElement payload)
    {
        Assert.Empty(payload.ErrorCodes());
        return [.. payload.GetProperty("rates").EnumerateArray().Select(r => (r.GetProperty("id").GetString()!, r.GetProperty("price").Decimal()))];
    }

    /// <summary>Writes lines straight to a cart: SKUs the catalog does not know, which pricing drops but which count as lines.</summary>
    private async Task FillAsync(string cartId, int lines)
    {
        var (exitCode, output) = await RedisAsync(["hset", CartKey(cartId), .. Enumerable.Range(1, lines).SelectMany(i => new[] { $"FILLER-{i:D3}", "1" })]);
        Assert.True(exitCode == 0, output);
    }

    private async Task<int> LineCountAsync(string cartId) =>
        int.Parse((await RedisAsync(["hlen", CartKey(cartId)])).Output.Trim().Split('\n')[^1], CultureInfo.InvariantCulture);

    private string CartKey(string cartId) => stack.CartKey(cartId);

    private Task<(int ExitCode, string Output)> RedisAsync(string[] arguments) => stack.RedisAsync(arguments);
}
