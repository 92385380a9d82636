using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Npgsql;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Catalog;

/// <summary>The internal inventory operations orders calls: reserve, release, commit.</summary>
[Collection(FederatedCollection.Name)]
public sealed class ReservationTests(FederatedStack stack)
{
    private const string ReservationFields = "reservation { orderId status lines { sku fulfillmentCenter quantity } } errors { code message field }";
    private const string Reserve = $"mutation($input: ReserveStockInput!) {{ reserveStock(input: $input) {{ {ReservationFields} }} }}";
    private const string Release = $"mutation($input: ReservationInput!) {{ releaseStock(input: $input) {{ {ReservationFields} }} }}";
    private const string Commit = $"mutation($input: ReservationInput!) {{ commitStock(input: $input) {{ {ReservationFields} }} }}";
    private const string Restock = $"mutation($input: ReservationInput!) {{ restockStock(input: $input) {{ {ReservationFields} }} }}";
    private const string CommitMany = $"mutation($input: CommitStocksInput!) {{ commitStocks(input: $input) {{ {ReservationFields} }} }}";
    private const string Stock = "query($r: [_Any!]!) { variant: _entities(representations: $r) { ... on ProductVariant { quantityAvailable stockLevels { fulfillmentCenter onHand reserved } } } }";

    private static int _orders;

    [Fact]
    public async Task Reserve_HoldsUnits_AndReleaseGivesThemBack()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5), ("FC-WEST", 8));
        var orderId = NewOrderId();

        var reserved = await CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 3 } } });

        Assert.Empty(reserved.ErrorCodes());
        Assert.Equal("RESERVED", reserved.GetProperty("reservation").GetProperty("status").GetString());
        // The best-stocked center that has everything.
        Assert.Equal([(sku, "FC-WEST", 3)], Lines(reserved));
        Assert.Equal(10, await AvailableAsync(sku));
        Assert.Equal(3, (await stack.StockLevelsAsync(sku))["FC-WEST"].Reserved);

        var released = await CallAsync(Release, new { orderId });
        Assert.Empty(released.ErrorCodes());
        Assert.Equal("RELEASED", released.GetProperty("reservation").GetProperty("status").GetString());
        Assert.Equal(13, await AvailableAsync(sku));

        // Released twice: nothing more comes back.
        Assert.Empty((await CallAsync(Release, new { orderId })).ErrorCodes());
        Assert.Equal(13, await AvailableAsync(sku));
        Assert.Equal(["RESERVATION_RELEASED"], (await CallAsync(Commit, new { orderId })).ErrorCodes());
    }

    [Fact]
    public async Task Commit_TakesTheUnitsOutOfStock_Once()
    {
        var sku = await stack.StockedSkuAsync(("FC-CENTRAL", 4));
        var orderId = NewOrderId();
        Assert.Empty((await CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 4 } } })).ErrorCodes());

        var first = await CallAsync(Commit, new { orderId });
        var second = await CallAsync(Commit, new { orderId });

        Assert.Empty(first.ErrorCodes());
        Assert.Empty(second.ErrorCodes());
        Assert.Equal("COMMITTED", second.GetProperty("reservation").GetProperty("status").GetString());
        Assert.Equal((0, 0), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);
        Assert.Equal(["RESERVATION_COMMITTED"], (await CallAsync(Release, new { orderId })).ErrorCodes());
    }

    /// <summary>
    /// Units committed for an order that then did not ship go back on hand, once, and the product
    /// is in stock again for search; a release sent after answers as released. Only a committed
    /// reservation is restocked: a held one is released instead, and an unknown one is not found.
    /// </summary>
    [Fact]
    public async Task Restock_PutsACommittedOrdersUnitsBackOnHand_Once()
    {
        var price = $"{Random.Shared.Next(20_000, 90_000)}.{Random.Shared.Next(10, 99)}";
        var sku = await stack.StockedSkuAsync(price, null, ("FC-CENTRAL", 4));
        var (orderId, held) = (NewOrderId(), NewOrderId());
        Assert.Empty((await CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 4 } } })).ErrorCodes());
        Assert.Empty((await CallAsync(Commit, new { orderId })).ErrorCodes());
        Assert.Equal((0, 0), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);
        Assert.Equal(0, await InStockCountAsync(price));

        var first = await CallAsync(Restock, new { orderId });
        var second = await CallAsync(Restock, new { orderId });

        Assert.Empty(first.ErrorCodes());
        Assert.Empty(second.ErrorCodes());
        Assert.Equal("RESTOCKED", second.GetProperty("reservation").GetProperty("status").GetString());
        Assert.Equal((4, 0), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);
        Assert.Equal(1, await InStockCountAsync(price));
        Assert.Empty((await CallAsync(Release, new { orderId })).ErrorCodes());
        Assert.Equal(["RESERVATION_RELEASED"], (await CallAsync(Commit, new { orderId })).ErrorCodes());
        Assert.Equal((4, 0), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);

        Assert.Empty((await CallAsync(Reserve, new { orderId = held, lines = new[] { new { sku, quantity = 1 } } })).ErrorCodes());
        Assert.Equal(["RESERVATION_NOT_COMMITTED"], (await CallAsync(Restock, new { orderId = held })).ErrorCodes());
        Assert.Equal(["RESERVATION_NOT_FOUND"], (await CallAsync(Restock, new { orderId = NewOrderId() })).ErrorCodes());
        Assert.Equal((4, 1), (await stack.StockLevelsAsync(sku))["FC-CENTRAL"]);
    }

    [Fact]
    public async Task CommitMany_CommitsEveryOrder_SummingUnitsOfOneRow_AndAnswersEachAsCommitWould()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var other = await stack.StockedSkuAsync(("FC-WEST", 6));
        string first = NewOrderId(), second = NewOrderId(), both = NewOrderId(), released = NewOrderId(), unknown = NewOrderId();
        Assert.Empty((await CallAsync(Reserve, new { orderId = first, lines = new[] { new { sku, quantity = 2 } } })).ErrorCodes());
        Assert.Empty((await CallAsync(Reserve, new { orderId = second, lines = new[] { new { sku, quantity = 3 } } })).ErrorCodes());
        Assert.Empty((await CallAsync(Reserve, new { orderId = both, lines = new[] { new { sku, quantity = 1 }, new { sku = other, quantity = 4 } } })).ErrorCodes());
        Assert.Empty((await CallAsync(Reserve, new { orderId = released, lines = new[] { new { sku, quantity = 1 } } })).ErrorCodes());
        Assert.Empty((await CallAsync(Release, new { orderId = released })).ErrorCodes());
        Assert.Empty((await CallAsync(Commit, new { orderId = first })).ErrorCodes());

        // The first is committed already, the second asked twice; three orders take units of one inventory row.
        var answers = await CallManyAsync(first, second, both, released, unknown, second);

        Assert.Equal(6, answers.Count);
        Assert.Equal(["", "", "", "RESERVATION_RELEASED", "RESERVATION_NOT_FOUND", ""], answers.Select(a => string.Join(',', a.ErrorCodes())));
        Assert.Equal("input.orderIds.3", string.Join('.', answers[3].GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString())));
        Assert.Equal("COMMITTED", answers[2].GetProperty("reservation").GetProperty("status").GetString());
        Assert.Equal(new[] { (sku, "FC-EAST", 1), (other, "FC-WEST", 4) }.Order(), Lines(answers[2]).Order());
        // 2 + 3 + 1 units shipped from FC-EAST, the released unit back: 4 on hand, none held.
        Assert.Equal((4, 0), (await stack.StockLevelsAsync(sku))["FC-EAST"]);
        Assert.Equal((2, 0), (await stack.StockLevelsAsync(other))["FC-WEST"]);

        // Again: nothing more leaves stock.
        Assert.All(await CallManyAsync(first, second, both), a => Assert.Empty(a.ErrorCodes()));
        Assert.Equal((4, 0), (await stack.StockLevelsAsync(sku))["FC-EAST"]);
    }

    [Fact]
    public async Task CommitMany_AndReserves_OnTheSameRows_NeitherDeadlockNorLoseUnits()
    {
        string a = await stack.StockedSkuAsync(("FC-EAST", 200), ("FC-WEST", 200)), b = await stack.StockedSkuAsync(("FC-EAST", 200), ("FC-WEST", 200));
        var held = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            var orderId = NewOrderId();
            // Lines in both orders of SKU, so that an unordered lock would meet a reserve the other way round.
            var lines = i % 2 == 0 ? new[] { new { sku = a, quantity = 1 }, new { sku = b, quantity = 1 } } : [new { sku = b, quantity = 1 }, new { sku = a, quantity = 1 }];
            Assert.Empty((await CallAsync(Reserve, new { orderId, lines })).ErrorCodes());
            held.Add(orderId);
        }

        var commits = held.Chunk(5).Select(batch => CallManyAsync(batch));
        var reserves = Enumerable.Range(0, 40).Select(i => CallAsync(Reserve, new
        {
            orderId = NewOrderId(), lines = i % 2 == 0 ? new[] { new { sku = a, quantity = 1 }, new { sku = b, quantity = 1 } } : [new { sku = b, quantity = 1 }, new { sku = a, quantity = 1 }],
        }));
        var committed = await Task.WhenAll(commits);
        var reserved = await Task.WhenAll(reserves);

        Assert.All(committed.SelectMany(c => c), c => Assert.Empty(c.ErrorCodes()));
        Assert.All(reserved, r => Assert.Empty(r.ErrorCodes()));
        foreach (var sku in new[] { a, b })
        {
            var levels = await stack.StockLevelsAsync(sku);
            // 40 units shipped and 40 held, over the two centers.
            Assert.Equal(400 - 40, levels.Values.Sum(l => l.OnHand));
            Assert.Equal(40, levels.Values.Sum(l => l.Reserved));
        }
    }

    [Fact]
    public async Task CommitMany_RefusesAnEmptyList()
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, CommitMany, new { input = new { orderIds = Array.Empty<string>() } }, null, Accounts.BearerHeader(ServiceToken()));

        response.SingleError("INVALID_INPUT");
    }

    [Fact]
    public async Task Reserve_IsAllOrNothing_WhenOneLineIsShort()
    {
        var plenty = await stack.StockedSkuAsync(("FC-EAST", 50));
        var scarce = await stack.StockedSkuAsync(("FC-EAST", 1), ("FC-WEST", 1));

        var result = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = new object[] { new { sku = plenty, quantity = 5 }, new { sku = scarce, quantity = 3 } } });

        Assert.Equal(["OUT_OF_STOCK"], result.ErrorCodes());
        Assert.Equal("input.lines.1.quantity", string.Join('.', result.GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString())));
        Assert.Equal(JsonValueKind.Null, result.GetProperty("reservation").ValueKind);
        Assert.Equal(50, await AvailableAsync(plenty));
        Assert.Equal(2, await AvailableAsync(scarce));
    }

    [Fact]
    public async Task Reserve_SplitsALineOverCenters_PreferredFirst_WhenNoCenterHasItAll()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 2), ("FC-WEST", 3), ("FC-CENTRAL", 2));

        var result = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku, quantity = 6 } }, preferredCenters = new[] { "FC-CENTRAL" } });

        Assert.Empty(result.ErrorCodes());
        Assert.Equal([(sku, "FC-CENTRAL", 2), (sku, "FC-EAST", 1), (sku, "FC-WEST", 3)], Lines(result).OrderBy(l => l.Center, StringComparer.Ordinal));
        Assert.Equal(1, await AvailableAsync(sku));
    }

    [Fact]
    public async Task Reserve_IsIdempotent_ByOrderId()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var orderId = NewOrderId();
        var input = new { orderId, lines = new[] { new { sku, quantity = 2 } } };

        var first = await CallAsync(Reserve, input);
        var again = await CallAsync(Reserve, input);
        var other = await CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 3 } } });

        Assert.Empty(again.ErrorCodes());
        Assert.Equal(first.GetProperty("reservation").GetRawText(), again.GetProperty("reservation").GetRawText());
        Assert.Equal(["IDEMPOTENCY_CONFLICT"], other.ErrorCodes());
        Assert.Equal(8, await AvailableAsync(sku));
    }

    [Fact]
    public async Task Reserve_PricedAtOtherTermsThanTheVariantsNow_HoldsNothing_ButARepeatOfAMadeReservationStands()
    {
        var sku = await stack.StockedSkuAsync("12.50", 700, ("FC-EAST", 10));
        var other = await stack.StockedSkuAsync(("FC-EAST", 10));
        var pricedNow = new { price = "12.5", currencyCode = "USD", weightGrams = 700 };
        var orderId = NewOrderId();

        var made = await CallAsync(Reserve, new { orderId, lines = new object[] { new { sku, quantity = 2, pricedAs = pricedNow }, new { sku = other, quantity = 1 } } });
        var cheaper = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = new object[]
        {
            new { sku = other, quantity = 1, pricedAs = new { price = "10.00", currencyCode = "USD", weightGrams = 500 } },
            new { sku, quantity = 1, pricedAs = pricedNow with { price = "11.99" } },
        } });
        var lighter = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku, quantity = 1, pricedAs = pricedNow with { weightGrams = 600 } } } });
        var otherCurrency = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku, quantity = 1, pricedAs = pricedNow with { currencyCode = "EUR" } } } });
        // The order's own reserve, sent again after the price moved: the reservation made stands.
        Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.UpdateVariant, new { sku, price = "13.00" })).Data.GetProperty("updateVariant").ErrorCodes());
        var repeat = await CallAsync(Reserve, new { orderId, lines = new object[] { new { sku, quantity = 2, pricedAs = pricedNow }, new { sku = other, quantity = 1 } } });

        Assert.Empty(made.ErrorCodes());
        Assert.Equal(["PRICE_CHANGED"], cheaper.ErrorCodes());
        Assert.Equal("input.lines.1.pricedAs", string.Join('.', cheaper.GetProperty("errors")[0].GetProperty("field").EnumerateArray().Select(f => f.GetString())));
        Assert.Equal($"'{sku}' is now 12.50 USD and 700 g a unit, not 11.99 USD and 700 g.", cheaper.GetProperty("errors")[0].GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, cheaper.GetProperty("reservation").ValueKind);
        Assert.Equal(["PRICE_CHANGED"], lighter.ErrorCodes());
        Assert.Equal(["PRICE_CHANGED"], otherCurrency.ErrorCodes());
        Assert.Empty(repeat.ErrorCodes());
        Assert.Equal("RESERVED", repeat.GetProperty("reservation").GetProperty("status").GetString());
        // Only the order that was priced right holds units.
        Assert.Equal(8, await AvailableAsync(sku));
        Assert.Equal(9, await AvailableAsync(other));
    }

    [Fact]
    public async Task Reserve_TakesTwoRoundTrips_TermsCheckIncluded()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));

        var (reserved, delta) = await stack.MeasureAsync(
            () => CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku, quantity = 1, pricedAs = new { price = "10.00", currencyCode = "USD", weightGrams = 500 } } } }),
            ServiceNames.Catalog);

        Assert.Empty(reserved.ErrorCodes());
        Assert.True(delta[ServiceNames.Catalog].StoreRoundTrips == 2, $"Expected 2 store round trips: {delta[ServiceNames.Catalog]}");
    }

    [Fact]
    public async Task Reserve_IsRefused_AfterAnEarlierRelease_OfTheSameOrder()
    {
        // A release that overtook its reserve (retries, reordering) must win.
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var orderId = NewOrderId();

        Assert.Empty((await CallAsync(Release, new { orderId })).ErrorCodes());
        var late = await CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 1 } } });

        Assert.Equal(["RESERVATION_RELEASED"], late.ErrorCodes());
        Assert.Equal(10, await AvailableAsync(sku));
    }

    [Fact]
    public async Task Reserve_NeverSellsTheLastUnitsTwice_Under200ConcurrentBuyers()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 4), ("FC-WEST", 3), ("FC-CENTRAL", 3));

        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ =>
            CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku, quantity = 1 } } })));

        Assert.Equal(10, results.Count(r => r.ErrorCodes().Count == 0));
        Assert.Equal(190, results.Count(r => r.ErrorCodes().SequenceEqual(["OUT_OF_STOCK"])));
        Assert.Equal(0, await AvailableAsync(sku));
        Assert.All((await stack.StockLevelsAsync(sku)).Values, l => Assert.Equal(l.OnHand, l.Reserved));
    }

    [Fact]
    public async Task Reserve_OfTwoLines_Under60ConcurrentBuyers_HoldsBothLinesOrNeither()
    {
        // The scarce SKU runs out while reservations that read it as available are holding the
        // other line's units: each of those must give them back as it is refused.
        string scarce = await stack.StockedSkuAsync(("FC-EAST", 6), ("FC-WEST", 4)), plenty = await stack.StockedSkuAsync(("FC-EAST", 30), ("FC-WEST", 30));

        var results = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => CallAsync(Reserve, new
        {
            orderId = NewOrderId(),
            lines = i % 2 == 0 ? new[] { new { sku = scarce, quantity = 1 }, new { sku = plenty, quantity = 2 } } : [new { sku = plenty, quantity = 2 }, new { sku = scarce, quantity = 1 }],
        })));

        Assert.Equal(10, results.Count(r => r.ErrorCodes().Count == 0));
        Assert.Equal(50, results.Count(r => r.ErrorCodes().SequenceEqual(["OUT_OF_STOCK"])));
        Assert.Equal(0, await AvailableAsync(scarce));
        Assert.Equal(60 - 20, await AvailableAsync(plenty));
        // What the reservations say they hold is what the stock has reserved, row by row.
        var held = results.Where(r => r.ErrorCodes().Count == 0).SelectMany(r => r.GetProperty("reservation").GetProperty("lines").EnumerateArray())
            .GroupBy(l => (l.GetProperty("sku").GetString()!, l.GetProperty("fulfillmentCenter").GetString()!))
            .ToDictionary(g => g.Key, g => g.Sum(l => l.GetProperty("quantity").GetInt32()));
        foreach (var sku in new[] { scarce, plenty })
        {
            foreach (var (center, level) in await stack.StockLevelsAsync(sku))
                Assert.Equal(held.GetValueOrDefault((sku, center)), level.Reserved);
        }
    }

    [Fact]
    public async Task Reserve_HoldsStockOnce_WhenTheSameOrderIsSent20TimesAtOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 30));
        var orderId = NewOrderId();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 7 } } })));

        Assert.All(results, r => Assert.Empty(r.ErrorCodes()));
        Assert.Single(results.Select(r => r.GetProperty("reservation").GetRawText()).Distinct());
        Assert.Equal(23, await AvailableAsync(sku));
    }

    [Fact]
    public async Task Reserve_TheReservationsArrivingWhileOneWaitsOnTheRowLock_AreHeldTogether_AfterIt()
    {
        // The SKU's row is locked from outside, as a long transaction on a hot SKU would hold it:
        // the first reservation's statement waits on it, and the 19 that arrive meanwhile wait
        // for that statement, then are held by one more. One statement each would be 40 round
        // trips (a read and a hold per reservation); grouped, 22 (20 reads, 2 statements), or a
        // few more should a read come back only after the lock went.
        var sku = await stack.StockedSkuAsync(("FC-EAST", 100));
        await using var rowLock = await LockedRowAsync(sku);
        var before = await stack.GetCountersAsync(ServiceNames.Catalog);

        var reserving = Enumerable.Range(0, 20).Select(_ => CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku, quantity = 2 } } })).ToArray();
        await Eventually.WaitForAsync(async () => (await stack.GetCountersAsync(ServiceNames.Catalog)).Since(before).StoreRoundTrips >= 21);
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.All(reserving, r => Assert.False(r.IsCompleted));
        await rowLock.ReleaseAsync();
        var results = await Task.WhenAll(reserving);
        var delta = (await stack.GetCountersAsync(ServiceNames.Catalog)).Since(before);

        Assert.All(results, r => Assert.Empty(r.ErrorCodes()));
        Assert.InRange(delta.StoreRoundTrips, 22, 25);
        Assert.Equal(20, delta["reservationHolds.reservations"]);
        Assert.Equal(delta.StoreRoundTrips - 20, delta["reservationHolds.statements"]);
        Assert.Equal(100 - 40, await AvailableAsync(sku));
        Assert.Equal(40, (await stack.StockLevelsAsync(sku))["FC-EAST"].Reserved);
    }

    /// <summary>
    /// A service instance works on at most so many GraphQL requests at once (<c>Admission</c>):
    /// one that waits longer than it may for a turn is refused at once, before any of its work,
    /// and told when to come back. Here the only turn is held by a reservation waiting on a
    /// row lock, so every other request is refused until it is answered.
    /// </summary>
    [Fact]
    public async Task AnInstanceWithOneTurn_RefusesTheNextRequests_WhileTheFirstWaitsOnARowLock_AndAnswersAgainAfter()
    {
        const string instance = "catalog-one-turn";
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        using var oneTurn = await stack.StartInstanceAsync(ServiceNames.Catalog, instance, new Dictionary<string, string>
        {
            ["GraphQL__Admission__MaxConcurrent"] = "1",
            ["GraphQL__Admission__MaxWait"] = "00:00:00.200",
        });
        var before = await stack.GetCountersAsync(instance);
        await using var rowLock = await LockedRowAsync(sku);

        var orderId = NewOrderId();
        Task<GraphQLResponse> Reserving() => stack.PostAsync(instance, Reserve, new { input = new { orderId, lines = new[] { new { sku, quantity = 2 } } } },
            null, Accounts.BearerHeader(ServiceToken()));
        // Warmed up first, so that a probe holds the turn only for a moment; a reservation that
        // still arrived while one did, and was refused, did nothing and is sent again.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await stack.PostAsync(instance, "{ __typename }")).Status);
        var reserving = Reserving();
        GraphQLResponse? refused = null;
        await Eventually.WaitForAsync(async () =>
        {
            if (reserving.IsCompleted)
            {
                Assert.Equal(["SERVICE_UNAVAILABLE"], (await reserving).ErrorCodes);
                reserving = Reserving();
                return false;
            }
            refused = await stack.PostAsync(instance, "{ __typename }");
            return refused.Status == HttpStatusCode.ServiceUnavailable;
        }, () => $"No request was refused; the last probe: {(int?)refused?.Status} {refused?.Body}; the reservation {(reserving.IsCompleted ? "answered" : "still waiting")}");

        Assert.Equal(["SERVICE_UNAVAILABLE"], refused!.ErrorCodes);
        Assert.Equal(TimeSpan.FromSeconds(1), refused.RetryAfter);
        Assert.False(reserving.IsCompleted);
        Assert.True((await stack.GetCountersAsync(instance)).Since(before)["admission.refused"] >= 1);

        await rowLock.ReleaseAsync();
        var reserved = await reserving;
        Assert.Empty(reserved.ErrorCodes);
        Assert.Equal(8, await AvailableAsync(sku));
        var answered = await stack.PostAsync(instance, "{ __typename }");
        Assert.Equal(HttpStatusCode.OK, answered.Status);
        Assert.Empty(answered.ErrorCodes);
    }

    /// <summary>
    /// A queue that stands (no turn free for <c>StandingAfter</c>) is served newest first, and a
    /// request from the edge that has waited past <c>StandingWait</c> is refused at once, long
    /// before <c>MaxWait</c>: under overload what is let in is answered promptly. A request from
    /// another service (work it has taken in already) goes first and is not refused for the
    /// standing queue. Here the only turn is held by a reservation waiting on a row lock; a probe
    /// waits past the standing wait and is refused when the next request arrives; a reservation
    /// that waited as long is not, and is let in first; of two write-offs of the last unit, the
    /// later is let in before the earlier and takes it.
    /// </summary>
    [Fact]
    public async Task AnInstanceWhoseQueueStands_RefusesTheStaleFromTheEdge_AndLetsInOtherServicesFirst_ThenTheNewest()
    {
        const string instance = "catalog-standing-queue";
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var other = await stack.StockedSkuAsync(("FC-EAST", 5));
        var last = await stack.StockedSkuAsync(("FC-EAST", 1));
        var admin = await stack.SignInAdminAsync();
        using var oneTurn = await stack.StartInstanceAsync(ServiceNames.Catalog, instance, new Dictionary<string, string>
        {
            ["GraphQL__Admission__MaxConcurrent"] = "1",
            ["GraphQL__Admission__MaxWait"] = "00:01:00",
            ["GraphQL__Admission__StandingAfter"] = "00:00:00.200",
            ["GraphQL__Admission__StandingWait"] = "00:00:04",
        });
        var service = Accounts.BearerHeader(ServiceToken());
        // Warmed up, the service's token among what the instance has verified.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await stack.PostAsync(instance, "{ __typename }", null, null, service)).Status);
        var before = await stack.GetCountersAsync(instance);
        await using var rowLock = await LockedRowAsync(sku);
        Task<GraphQLResponse> Reserving(string reserved) => stack.PostAsync(instance, Reserve,
            new { input = new { orderId = NewOrderId(), lines = new[] { new { sku = reserved, quantity = 1 } } } }, null, service);
        Task<GraphQLResponse> WritingOff() => stack.PostAsync(instance, CatalogAdmin.AdjustStock,
            new { input = new { sku = last, fulfillmentCenter = "FC-EAST", delta = -1 } }, null, admin.Bearer);
        static JsonElement Payload(GraphQLResponse response) => response.Data.EnumerateObject().Single().Value;

        var holding = Reserving(sku);
        await Eventually.WaitForAsync(async () => (await stack.GetCountersAsync(instance)).Since(before).StoreRoundTrips >= 1);
        var stale = stack.PostAsync(instance, "{ __typename }");
        var chained = Reserving(other);
        await Task.Delay(TimeSpan.FromSeconds(6));
        Assert.False(stale.IsCompleted, "A waiting request is refused only as the queue moves, not by a timer of its own");

        var earlier = WritingOff();
        var refused = await stale.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.Status);
        Assert.Equal(["SERVICE_UNAVAILABLE"], refused.ErrorCodes);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var later = WritingOff();
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(holding.IsCompleted || chained.IsCompleted || earlier.IsCompleted || later.IsCompleted);

        await rowLock.ReleaseAsync();
        Assert.Empty(Payload(await holding).ErrorCodes());
        Assert.Empty(Payload(await chained).ErrorCodes());
        Assert.Equal(4, await AvailableAsync(other));
        Assert.Empty(Payload(await later).ErrorCodes());
        Assert.Equal(["INSUFFICIENT_STOCK"], Payload(await earlier).ErrorCodes());
        Assert.Equal(0, await AvailableAsync(last));
        Assert.Equal(1, (await stack.GetCountersAsync(instance)).Since(before)["admission.refused"]);
    }

    /// <summary>
    /// A release that arrives while its order's reserve waits on a row lock (the orders service
    /// gave up waiting for the reserve and released) releases what the reserve then holds. It
    /// found nothing to release (the reserve's claim was not yet committed), waited for the
    /// claim on the tombstone, and answered RESERVATION_RELEASED with the units still held.
    /// </summary>
    [Fact]
    public async Task Release_WhileItsReserveWaitsOnTheRowLock_ReleasesWhatTheReserveHeld()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 10));
        var orderId = NewOrderId();
        await using var rowLock = await LockedRowAsync(sku);
        var before = await stack.GetCountersAsync(ServiceNames.Catalog);

        var reserving = CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 3 } } });
        await Eventually.WaitForAsync(async () => (await stack.GetCountersAsync(ServiceNames.Catalog)).Since(before).StoreRoundTrips >= 1);
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var releasing = CallAsync(Release, new { orderId });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(reserving.IsCompleted);
        await rowLock.ReleaseAsync();
        var (reserved, released) = (await reserving, await releasing);

        Assert.Empty(reserved.ErrorCodes());
        Assert.Empty(released.ErrorCodes());
        Assert.Equal("RELEASED", released.GetProperty("reservation").GetProperty("status").GetString());
        Assert.Equal(10, await AvailableAsync(sku));
        Assert.Equal(0, (await stack.StockLevelsAsync(sku))["FC-EAST"].Reserved);
        // A late repeat of the reserve is refused as released (it answered with no error before).
        Assert.Equal(["RESERVATION_RELEASED"], (await CallAsync(Reserve, new { orderId, lines = new[] { new { sku, quantity = 3 } } })).ErrorCodes());
        Assert.Equal(10, await AvailableAsync(sku));
    }

    /// <summary>A center named twice among the preferred ones is counted once: the order is split over the centers that have the units.</summary>
    [Fact]
    public async Task Reserve_WithACenterPreferredTwice_AllocatesFromItOnce()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 3), ("FC-WEST", 2));

        var result = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku, quantity = 5 } }, preferredCenters = new[] { "FC-EAST", "FC-EAST" } });

        Assert.Empty(result.ErrorCodes());
        Assert.Equal([(sku, "FC-EAST", 3), (sku, "FC-WEST", 2)], Lines(result).OrderBy(l => l.Center, StringComparer.Ordinal));
        Assert.Equal(0, await AvailableAsync(sku));
    }

    /// <summary>A release of an id no reservation can have (over 100 characters) is refused as bad input; 10,000 characters was an internal error (the tombstone too large for the index).</summary>
    [Fact]
    public async Task Release_OfAnOrderIdTooLongForAReservation_IsRefused()
    {
        var result = await CallAsync(Release, new { orderId = new string('x', 10_000) });

        Assert.Equal(["INVALID_INPUT"], result.ErrorCodes());
    }

    [Theory]
    [InlineData(0, false, null, "INVALID_INPUT")]
    [InlineData(1001, false, null, "INVALID_INPUT")]
    [InlineData(1, true, null, "INVALID_INPUT")]
    [InlineData(1, false, "FC-MOON", "UNKNOWN_FULFILLMENT_CENTER")]
    public async Task Reserve_RefusesBadInput(int quantity, bool twice, string? center, string code)
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var line = new { sku, quantity };

        var result = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = twice ? [line, line] : new[] { line }, preferredCenters = center is null ? null : new[] { center } });

        Assert.Contains(code, result.ErrorCodes());
        Assert.Equal(5, await AvailableAsync(sku));
    }

    [Fact]
    public async Task Reserve_RefusesAnUnknownSku()
    {
        var result = await CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku = "SKU-9999999-99", quantity = 1 } } });

        Assert.Equal(["VARIANT_NOT_FOUND"], result.ErrorCodes());
    }

    [Fact]
    public async Task InternalOperations_AreForServicesOnly()
    {
        var input = new { orderId = NewOrderId(), lines = new[] { new { sku = "SKU-0000001-01", quantity = 1 } } };
        var customer = await stack.RegisterAsync();
        var admin = await stack.SignInAdminAsync();

        var anonymous = await stack.PostAsync(ServiceNames.Catalog, Reserve, new { input });
        var asCustomer = await stack.PostAsync(ServiceNames.Catalog, Reserve, new { input }, null, Accounts.BearerHeader(customer.Token));
        var asAdmin = await stack.PostAsync(ServiceNames.Catalog, Reserve, new { input }, null, Accounts.BearerHeader(admin.Token));

        anonymous.SingleError("UNAUTHENTICATED");
        asCustomer.SingleError("FORBIDDEN");
        asAdmin.SingleError("FORBIDDEN");
    }

    [Fact]
    public async Task ServiceTokens_CannotClaimOtherRoles_AndUserTokensCannotClaimTheServiceRole()
    {
        var serviceKey = ECDsa.Create();
        serviceKey.ImportFromPem(stack.Settings.Identity.ServiceSigningKey);
        var adminByServiceKey = Accounts.Mint(stack, "orders", key: serviceKey, role: "admin");
        var serviceByUserKey = Accounts.Mint(stack, "orders", role: "service");
        var input = new { sku = "SKU-0000001-01", fulfillmentCenter = "FC-EAST", delta = 1 };

        var adjust = await stack.PostAsync(ServiceNames.Catalog, CatalogAdmin.AdjustStock, new { input }, null, Accounts.BearerHeader(adminByServiceKey));
        var reserve = await stack.PostAsync(ServiceNames.Catalog, Reserve,
            new { input = new { orderId = NewOrderId(), lines = new[] { new { sku = "SKU-0000001-01", quantity = 1 } } } }, null, Accounts.BearerHeader(serviceByUserKey));

        adjust.SingleError("UNAUTHENTICATED");
        reserve.SingleError("UNAUTHENTICATED");
    }

    [Fact]
    public async Task InternalOperations_AreNotPartOfThePublicGraph()
    {
        var response = await stack.PostAsync(ServiceNames.Gateway, Reserve,
            new { input = new { orderId = NewOrderId(), lines = new[] { new { sku = "SKU-0000001-01", quantity = 1 } } } },
            null, Accounts.BearerHeader(ServiceToken()));

        Assert.NotEmpty(response.Errors);
        Assert.False(response.Json.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object);
        var schema = await File.ReadAllTextAsync(RepoPaths.InRepo("schema", "supergraph.graphql"));
        Assert.Contains("reserveStock(input: ReserveStockInput!): ReservationPayload! @join__field(graph: CATALOG) @inaccessible", schema);
    }

    [Fact]
    public async Task StockLevels_AreHiddenFromCustomers()
    {
        var customer = await stack.RegisterAsync();
        var response = await stack.PostAsync(ServiceNames.Catalog, Stock, Representation("SKU-0000001-01"), null, Accounts.BearerHeader(customer.Token));

        response.SingleError("FORBIDDEN");
        Assert.Equal(JsonValueKind.Null, response.Json.GetProperty("data").GetProperty("variant")[0].GetProperty("stockLevels").ValueKind);
    }

    [Fact]
    public async Task Search_InStockOnly_FollowsReservations_ThatTakeAndGiveBackTheLastUnits()
    {
        // A price no other product has, so the price filter finds this product alone.
        var price = $"{Random.Shared.Next(20_000, 90_000)}.{Random.Shared.Next(10, 99)}";
        var sku = await stack.StockedSkuAsync(price, null, ("FC-EAST", 2), ("FC-WEST", 1));
        var (first, last) = (NewOrderId(), NewOrderId());

        var before = await InStockCountAsync(price);
        Assert.Empty((await CallAsync(Reserve, new { orderId = first, lines = new[] { new { sku, quantity = 2 } } })).ErrorCodes());
        var withOneLeft = await InStockCountAsync(price);
        Assert.Empty((await CallAsync(Reserve, new { orderId = last, lines = new[] { new { sku, quantity = 1 } } })).ErrorCodes());
        var withNoneLeft = await InStockCountAsync(price);
        Assert.Empty((await CallAsync(Release, new { orderId = last })).ErrorCodes());
        var givenBack = await InStockCountAsync(price);

        Assert.Equal((1, 1, 0, 1), (before, withOneLeft, withNoneLeft, givenBack));
    }

    /// <summary>
    /// A reserve of one variant's last unit and a release of another variant's units, of one
    /// product, at the same moment: the product has a unit available after both, and search says
    /// so. Each once decided the flag from what was committed before it (the reserve saw the
    /// other variant still held, the release the reserved one still free), and the product was
    /// left out of search until its stock next changed. The search row is locked from outside so
    /// that both are in flight together.
    /// </summary>
    [Fact]
    public async Task Search_InStockOnly_IsRight_AfterAReserveAndAReleaseOfTwoVariantsAtOnce()
    {
        var price = $"{Random.Shared.Next(20_000, 90_000)}.{Random.Shared.Next(10, 99)}";
        var (held, last) = (stack.NewSku(), stack.NewSku());
        var product = await stack.CreateProductAsync(CatalogAdmin.Variant(held, price), CatalogAdmin.Variant(last, price));
        foreach (var sku in new[] { held, last })
            Assert.Empty((await stack.AsAdminAsync(CatalogAdmin.AdjustStock, new { sku, fulfillmentCenter = "FC-EAST", delta = 1 })).Data.GetProperty("adjustStock").ErrorCodes());
        var holding = NewOrderId();
        Assert.Empty((await CallAsync(Reserve, new { orderId = holding, lines = new[] { new { sku = held, quantity = 1 } } })).ErrorCodes());
        Assert.Equal(1, await InStockCountAsync(price));

        await using (var rowLock = await LockedAsync("select 1 from catalog.product_search where id = $1 for update", product.GetProperty("id").GetString()!))
        {
            var reserving = CallAsync(Reserve, new { orderId = NewOrderId(), lines = new[] { new { sku = last, quantity = 1 } } });
            await Eventually.WaitForAsync(async () => await WaitingOnLocksAsync("mark_sold_out") == 1);
            var releasing = CallAsync(Release, new { orderId = holding });
            await Task.WhenAny(releasing, Task.Delay(TimeSpan.FromSeconds(1)));
            await rowLock.ReleaseAsync();
            Assert.Empty((await reserving).ErrorCodes());
            Assert.Empty((await releasing).ErrorCodes());
        }

        Assert.Equal((1, 0), (await AvailableAsync(held), await AvailableAsync(last)));
        Assert.Equal(1, await InStockCountAsync(price));
    }

    /// <summary>Statements of the catalog's database whose text contains <paramref name="text"/>, waiting for a lock.</summary>
    private async Task<int> WaitingOnLocksAsync(string text)
    {
        await using var connection = new NpgsqlConnection(stack.Settings.PostgresConnectionString(Subgraph.Named(ServiceNames.Catalog).Database));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand(
            "select count(*)::int from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%' || $1 || '%' and pid <> pg_backend_pid()",
            connection) { Parameters = { new() { Value = text } } };
        return (int)(await count.ExecuteScalarAsync())!;
    }

    private async Task<int> InStockCountAsync(string price) =>
        (await stack.PostAsync(ServiceNames.Catalog, "query($filter: ProductFilter) { products(first: 1, filter: $filter) { totalCount } }",
            new { filter = new { priceMin = price, priceMax = price, inStockOnly = true } })).Data.GetProperty("products").GetProperty("totalCount").GetInt32();

    private static object Representation(string sku) => new { r = new[] { new { __typename = "ProductVariant", sku } } };

    /// <summary>The SKU's inventory row locked from outside, as a long transaction on a hot SKU holds it, until released.</summary>
    private Task<RowLock> LockedRowAsync(string sku) => LockedAsync("select 1 from catalog.inventory where sku = $1 for update", sku);

    /// <summary>The rows <paramref name="lockSql"/> locks for <paramref name="key"/>, locked from outside until released.</summary>
    private async Task<RowLock> LockedAsync(string lockSql, string key)
    {
        var connection = new NpgsqlConnection(stack.Settings.PostgresConnectionString(Subgraph.Named(ServiceNames.Catalog).Database));
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using (var lockRow = new NpgsqlCommand(lockSql, connection, transaction) { Parameters = { new() { Value = key } } })
            await lockRow.ExecuteNonQueryAsync();
        return new RowLock(connection, transaction);
    }

    private sealed record RowLock(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public Task ReleaseAsync() => Transaction.RollbackAsync();

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    private string NewOrderId() => $"order-{stack.RunId}-{Interlocked.Increment(ref _orders)}";

    private string ServiceToken() => Accounts.ServiceToken(stack);

    private async Task<JsonElement> CallAsync(string mutation, object input)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, mutation, new { input }, null, Accounts.BearerHeader(ServiceToken()));
        return response.Data.EnumerateObject().Single().Value;
    }

    private async Task<List<JsonElement>> CallManyAsync(params string[] orderIds)
    {
        var response = await stack.PostAsync(ServiceNames.Catalog, CommitMany, new { input = new { orderIds } }, null, Accounts.BearerHeader(ServiceToken()));
        return [.. response.Data.GetProperty("commitStocks").EnumerateArray()];
    }

    private async Task<int> AvailableAsync(string sku) =>
        (await stack.VariantAsync(sku)).GetProperty("quantityAvailable").GetInt32();


    private static List<(string Sku, string Center, int Quantity)> Lines(JsonElement payload) =>
        [.. payload.GetProperty("reservation").GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("sku").GetString()!, l.GetProperty("fulfillmentCenter").GetString()!, l.GetProperty("quantity").GetInt32()))];
}
