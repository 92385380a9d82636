using System.Text.Json;
using Federated.Tests.Catalog;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Orders;

/// <summary>Orders fraud rules hold wait for an administrator, who releases them to fulfillment or cancels them.</summary>
[Collection(FederatedCollection.Name)]
public sealed class HoldReviewTests(FederatedStack stack)
{
    private const string Review = """
        mutation($input: ReviewHeldOrderInput!) { reviewHeldOrder(input: $input) {
          order { id status holdReason holdReview { decision reviewedBy note reviewedAt } payment { status } } errors { code field } } }
        """;
    private const string Held = "query($after: String) { heldOrders(first: 100, after: $after) { nodes { id status } pageInfo { hasNextPage endCursor } totalCount } }";

    [Fact]
    public async Task AnAdministrator_ReleasesOneHeldOrder_AndCancelsAnother_WithTheDecisionRecorded()
    {
        var sku = await stack.StockedSkuAsync(("FC-EAST", 5));
        var (first, second) = (stack.NewShopper(), stack.NewShopper());
        await stack.AddToCartAsync(first, sku, 1);
        await stack.AddToCartAsync(second, sku, 2);
        // A card from Germany for an Illinois address: held for review.
        var released = (await stack.PlaceAsync(first, "tok_visa_de")).GetProperty("order").GetProperty("id").GetString()!;
        var cancelled = (await stack.PlaceAsync(second, "tok_visa_de")).GetProperty("order").GetProperty("id").GetString()!;
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));

        var queue = await HeldOrderIdsAsync(admin);
        Assert.Contains(released, queue);
        Assert.Contains(cancelled, queue);
        Assert.True(queue.IndexOf(released) < queue.IndexOf(cancelled), "oldest first");

        var release = await CallAsync(admin, new { orderId = released, decision = "RELEASE", note = "  Customer confirmed by phone.  " });
        var cancel = await CallAsync(admin, new { orderId = cancelled, decision = "CANCEL" });

        Assert.Empty(release.ErrorCodes());
        var order = release.GetProperty("order");
        Assert.Equal("PAID", order.GetProperty("status").GetString());
        // Released, it is no longer held: no reason shown (it was, through to delivery).
        Assert.Equal(JsonValueKind.Null, order.GetProperty("holdReason").ValueKind);
        Assert.Equal("RELEASE", order.GetProperty("holdReview").GetProperty("decision").GetString());
        Assert.Equal("user-000000", order.GetProperty("holdReview").GetProperty("reviewedBy").GetString());
        Assert.Equal("Customer confirmed by phone.", order.GetProperty("holdReview").GetProperty("note").GetString());
        // The decision and its note are the administrators': the customer sees the order move on.
        var customers = (await stack.PostAsync(ServiceNames.Orders, "query($id: ID!) { order(id: $id) { status holdReview { note } } }", new { id = released }, null, first.Bearer)).Data.GetProperty("order");
        Assert.Equal("PAID", customers.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, customers.GetProperty("holdReview").ValueKind);
        Assert.Equal("CANCELLED", cancel.GetProperty("order").GetProperty("status").GetString());
        Assert.Equal("VOIDED", cancel.GetProperty("order").GetProperty("payment").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, cancel.GetProperty("order").GetProperty("holdReview").GetProperty("note").ValueKind);
        Assert.Equal(4, await stack.AvailableAsync(sku)); // the released order's unit stays held, the cancelled two are back
        var after = await HeldOrderIdsAsync(admin);
        Assert.DoesNotContain(released, after);
        Assert.DoesNotContain(cancelled, after);
        // Decided once: a second decision is refused.
        Assert.Equal(["ORDER_NOT_ON_HOLD"], (await CallAsync(admin, new { orderId = released, decision = "CANCEL" })).ErrorCodes());
    }

    [Fact]
    public async Task OnlyAdministrators_ReviewHeldOrders()
    {
        var shopper = stack.NewShopper();
        var asShopper = await stack.PostAsync(ServiceNames.Gateway, Review, new { input = new { orderId = "ord_x", decision = "RELEASE" } }, null, shopper.Bearer);
        var anonymous = await stack.PostAsync(ServiceNames.Gateway, Held);
        var queueAsShopper = await stack.PostAsync(ServiceNames.Gateway, Held, null, null, shopper.Bearer);

        Assert.Equal(["FORBIDDEN"], asShopper.ErrorCodes);
        Assert.Equal(["UNAUTHENTICATED"], anonymous.ErrorCodes);
        Assert.Equal(["FORBIDDEN"], queueAsShopper.ErrorCodes);
        var admin = Accounts.BearerHeader(Accounts.Mint(stack, "user-000000", role: "admin"));
        Assert.Equal(["ORDER_NOT_FOUND"], (await CallAsync(admin, new { orderId = "ord_missing", decision = "RELEASE" })).ErrorCodes());
        Assert.Equal(["INVALID_INPUT"], (await CallAsync(admin, new { orderId = "ord_missing", decision = "RELEASE", note = new string('x', 501) })).ErrorCodes());
    }

    private async Task<JsonElement> CallAsync(Dictionary<string, string> admin, object input) =>
        (await stack.PostAsync(ServiceNames.Gateway, Review, new { input }, null, admin)).Data.GetProperty("reviewHeldOrder");

    private async Task<List<string>> HeldOrderIdsAsync(Dictionary<string, string> admin)
    {
        var ids = new List<string>();
        string? after = null;
        int? total = null;
        do
        {
            var page = (await stack.PostAsync(ServiceNames.Gateway, Held, new { after }, null, admin)).Data.GetProperty("heldOrders");
            ids.AddRange(page.GetProperty("nodes").EnumerateArray().Select(n => n.GetProperty("id").GetString()!));
            total ??= page.GetProperty("totalCount").GetInt32();
            after = page.GetProperty("pageInfo").GetProperty("hasNextPage").GetBoolean() ? page.GetProperty("pageInfo").GetProperty("endCursor").GetString() : null;
        }
        while (after is not null);
        // The queue's totalCount counts what its pages hold.
        Assert.Equal(ids.Count, total);
        return ids;
    }
}
