using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>
/// Two orders drawing the same number (48 random bits a day: about once in 18 months at a
/// million orders a day). A second orders instance, with fault injection making every order
/// draw one fixed number first, places two orders: the second collides on the number's unique
/// index, draws again in a new transaction and is placed, once, and charged once.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class OrderNumberTests(FederatedStack stack)
{
    private const string Instance = "orders-numbers";

    [Fact]
    public async Task TwoOrdersDrawingOneNumber_TheSecondDrawsAgain_AndIsPlacedOnce()
    {
        var number = $"FC-T-{stack.RunId}";
        using var instance = await stack.StartInstanceAsync(ServiceNames.Orders, Instance, new Dictionary<string, string>
        {
            ["Orders__FaultInjection__OrderNumber"] = number,
        });
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var (first, second) = (stack.NewShopper(), stack.NewShopper());
        await stack.AddToCartAsync(first, sku, 1);
        await stack.AddToCartAsync(second, sku, 1);

        var firstOrder = (await stack.PlaceAsync(first, service: Instance)).GetProperty("order");
        Assert.Equal(number, firstOrder.GetProperty("number").GetString());
        var placed = await stack.PlaceAsync(second, service: Instance);
        Assert.Empty(placed.ErrorCodes());
        var secondOrder = placed.GetProperty("order");
        Assert.Equal("PAID", secondOrder.GetProperty("status").GetString());
        Assert.Matches("^FC-[0-9]{6}-[0-9A-F]{12}$", secondOrder.GetProperty("number").GetString()!);

        var secondId = secondOrder.GetProperty("id").GetString()!;
        Assert.Equal(1L, await stack.OrdersCountAsync("""select count(*) from orders.orders where "UserId" = $1""", second.Id));
        Assert.Equal(1L, await stack.OrdersCountAsync("select count(*) from orders.simulated_provider_ledger where idempotency_key = $1", secondId));
        Assert.Equal(3, await stack.AvailableAsync(sku));
    }
}
