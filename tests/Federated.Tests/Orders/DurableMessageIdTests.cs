using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;
using Npgsql;

namespace Federated.Tests.Orders;

/// <summary>
/// The ids of the durable messages two orders instances on one machine write. Wolverine's
/// default ids (MassTransit's NewId) are a time, a sequence and the machine's network address,
/// the same in both processes: two messages written in the same 100 ns tick by the two got the
/// same id, and the envelope tables' primary key refused the second, with the order change it
/// was written with. Each id is now a time and 74 random bits (RFC 9562, version 7).
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class DurableMessageIdTests(FederatedStack stack)
{
    private const string Second = "orders-second-messages";

    [Fact]
    public async Task MessagesWrittenByTwoInstancesOnOneMachine_HaveRandomIds_NotTheMachinesAddress()
    {
        using var second = await stack.StartInstanceAsync(ServiceNames.Orders, Second, new Dictionary<string, string>());
        var ids = new List<Guid>();
        foreach (var service in new[] { ServiceNames.Orders, Second })
        {
            var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
            var shopper = stack.NewShopper();
            await stack.AddToCartAsync(shopper, sku, 1);
            // A challenged order: its deadline is a message scheduled with the order's save.
            var placed = await stack.PlaceAsync(shopper, "tok_threeDSecureRequired", service: service);
            ids.AddRange(await EnvelopeIdsAsync(placed.GetProperty("order").GetProperty("id").GetString()!));
        }

        Assert.True(ids.Count >= 2, $"Expected each order's challenge deadline among its messages; found {ids.Count} ids.");
        Assert.All(ids, id => Assert.Equal(7, id.Version));
        // NewId's last six bytes are the machine's address (and a sequence), the same in every id
        // of the machine; random ones differ.
        Assert.Equal(ids.Count, ids.Select(id => Convert.ToHexString(id.ToByteArray()[10..])).Distinct().Count());
    }

    private async Task<List<Guid>> EnvelopeIdsAsync(string orderId)
    {
        await using var connection = await stack.OpenOrdersDatabaseAsync();
        await using var command = new NpgsqlCommand("select id from wolverine.wolverine_incoming_envelopes where position(convert_to($1, 'UTF8') in body) > 0", connection)
        {
            Parameters = { new() { Value = orderId } },
        };
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            ids.Add(reader.GetGuid(0));
        return ids;
    }
}
