using System.Text.Json;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Users;

/// <summary>
/// One user asking for another's data by id, on every path that takes one: entity
/// references (what the gateway sends for review authors), the admin-only user query, and
/// the address mutations.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class UserPrivacyTests(FederatedStack stack)
{
    private const string EntityQuery = "query($representations: [_Any!]!) { _entities(representations: $representations) { ... on User { id name email addresses { id line1 } } } }";

    private static object Representation(string id) => new { representations = new[] { new Dictionary<string, string> { ["__typename"] = "User", ["id"] = id } } };

    [Fact]
    public async Task EntityReference_ToAnotherUser_ShowsTheName_ButNotEmailOrAddresses()
    {
        var owner = await stack.RegisterAsync();
        await AddAddressAsync(owner);
        var other = await stack.RegisterAsync();

        var response = await stack.PostAsync(ServiceNames.Users, EntityQuery, Representation(owner.Id), null, other.Bearer);

        var user = response.Json.GetProperty("data").GetProperty("_entities")[0];
        Assert.Equal("Test User", user.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, user.GetProperty("email").ValueKind);
        Assert.Equal(JsonValueKind.Null, user.GetProperty("addresses").ValueKind);
        Assert.Equal(["FORBIDDEN", "FORBIDDEN"], response.ErrorCodes);
        Assert.DoesNotContain(owner.Email, response.Body);
    }

    [Fact]
    public async Task EntityReference_Anonymous_ShowsNoEmail()
    {
        var response = await stack.PostAsync(ServiceNames.Users, EntityQuery, Representation("user-000001"));

        var user = response.Json.GetProperty("data").GetProperty("_entities")[0];
        Assert.Equal(JsonValueKind.Null, user.GetProperty("email").ValueKind);
        Assert.Equal(["UNAUTHENTICATED", "UNAUTHENTICATED"], response.ErrorCodes);
    }

    [Fact]
    public async Task EntityReference_ToOneself_OrByAnAdmin_ShowsEverything()
    {
        var owner = await stack.RegisterAsync();
        await AddAddressAsync(owner);
        var admin = await stack.SignInAdminAsync();

        foreach (var viewer in new[] { owner, admin })
        {
            var user = (await stack.PostAsync(ServiceNames.Users, EntityQuery, Representation(owner.Id), null, viewer.Bearer)).Data.GetProperty("_entities")[0];
            Assert.Equal(owner.Email, user.GetProperty("email").GetString());
            Assert.Single(user.GetProperty("addresses").EnumerateArray());
        }
    }

    [Fact]
    public async Task ReviewAuthor_ThroughTheGateway_HidesTheAuthorsEmail()
    {
        var other = await stack.RegisterAsync();

        var response = await stack.PostAsync(ServiceNames.Gateway, "{ review(id: \"rev-00000001\") { id author { id name email } } }", null, null, other.Bearer);

        var author = response.Json.GetProperty("data").GetProperty("review").GetProperty("author");
        Assert.StartsWith("user-", author.GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(author.GetProperty("name").GetString()));
        Assert.Equal(JsonValueKind.Null, author.GetProperty("email").ValueKind);
        Assert.Contains("FORBIDDEN", response.ErrorCodes);
        Assert.DoesNotContain("@federated.example", response.Body);
    }

    [Fact]
    public async Task UserQuery_IsForAdminsOnly()
    {
        var customer = await stack.RegisterAsync();
        var admin = await stack.SignInAdminAsync();
        const string query = "{ user(id: \"user-000001\") { id email } }";

        var asCustomer = await stack.PostAsync(ServiceNames.Gateway, query, null, null, customer.Bearer);
        var asAdmin = (await stack.PostAsync(ServiceNames.Gateway, query, null, null, admin.Bearer)).Data.GetProperty("user");

        Assert.Contains("FORBIDDEN", asCustomer.ErrorCodes);
        Assert.Equal("customer000001@federated.example", asAdmin.GetProperty("email").GetString());
    }

    [Fact]
    public async Task AnotherUsersAddress_CannotBeChangedOrRemoved()
    {
        var owner = await stack.RegisterAsync();
        var addressId = await AddAddressAsync(owner);
        var attacker = await stack.RegisterAsync();

        var update = (await stack.PostAsync(ServiceNames.Gateway,
            "mutation($input: UpdateAddressInput!) { updateAddress(input: $input) { address { id } errors { code } } }",
            new { input = new { id = addressId, address = Address("Attacker Street 1"), defaultShipping = true } }, null, attacker.Bearer)).Data.GetProperty("updateAddress");
        var remove = (await stack.PostAsync(ServiceNames.Gateway,
            "mutation($input: RemoveAddressInput!) { removeAddress(input: $input) { errors { code } } }",
            new { input = new { id = addressId } }, null, attacker.Bearer)).Data.GetProperty("removeAddress");

        Assert.Equal(["ADDRESS_NOT_FOUND"], update.ErrorCodes());
        Assert.Equal(["ADDRESS_NOT_FOUND"], remove.ErrorCodes());
        var addresses = (await stack.PostAsync(ServiceNames.Gateway, "{ me { addresses { id line1 } } }", null, null, owner.Bearer)).Data
            .GetProperty("me").GetProperty("addresses");
        Assert.Equal("Main Street 1", addresses[0].GetProperty("line1").GetString());
    }

    [Fact]
    public async Task AddressMutations_RequireSignIn()
    {
        var response = await stack.PostAsync(ServiceNames.Users,
            "mutation($input: AddressInput!) { addAddress(input: $input) { errors { code } } }", new { input = Address("Main Street 1") });

        Assert.Equal("UNAUTHENTICATED", response.ErrorCodes.Single());
    }

    [Fact]
    public async Task Addresses_FirstIsDefault_DefaultMoves_AndRemovalPromotesTheNext()
    {
        var owner = await stack.RegisterAsync();
        var first = await AddAddressAsync(owner, "Main Street 1");
        var second = await AddAddressAsync(owner, "Second Street 2");

        await stack.PostAsync(ServiceNames.Gateway, "mutation($input: UpdateAddressInput!) { updateAddress(input: $input) { errors { code } } }",
            new { input = new { id = second, defaultShipping = true } }, null, owner.Bearer);
        var afterUpdate = await AddressesAsync(owner);
        var removed = (await stack.PostAsync(ServiceNames.Gateway, "mutation($input: RemoveAddressInput!) { removeAddress(input: $input) { errors { code } user { addresses { id defaultShipping } } } }",
            new { input = new { id = second } }, null, owner.Bearer)).Data.GetProperty("removeAddress");

        Assert.Equal([(second, true), (first, false)], afterUpdate);
        Assert.Empty(removed.ErrorCodes());
        var left = removed.GetProperty("user").GetProperty("addresses");
        Assert.Equal(first, left[0].GetProperty("id").GetString());
        Assert.True(left[0].GetProperty("defaultShipping").GetBoolean());
    }

    [Fact]
    public async Task AddAddress_RefusesAnInvalidAddress()
    {
        var owner = await stack.RegisterAsync();

        var payload = (await stack.PostAsync(ServiceNames.Gateway, "mutation($input: AddressInput!) { addAddress(input: $input) { address { id } errors { code field } } }",
            new { input = Address("") with { country = "Germany" } }, null, owner.Bearer)).Data.GetProperty("addAddress");

        Assert.Equal(["INVALID_ADDRESS", "INVALID_ADDRESS"], payload.ErrorCodes());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("address").ValueKind);
    }

    [Fact]
    public async Task Addresses_ChangedAtOnce_KeepOneDefault_AndADoubleRemoveIsNotFound()
    {
        var owner = await stack.RegisterAsync();

        // Five first addresses at once: one of them is the default, not all.
        var added = await Task.WhenAll(Enumerable.Range(1, 5).Select(i => AddAddressAsync(owner, $"Race Street {i}")));
        var afterAdds = await AddressesAsync(owner);
        // Each of them made the default at once: one wins.
        await Task.WhenAll(added.Select(id => stack.PostAsync(ServiceNames.Gateway,
            "mutation($input: UpdateAddressInput!) { updateAddress(input: $input) { errors { code } } }",
            new { input = new { id, defaultShipping = true } }, null, owner.Bearer)));
        var afterDefaults = await AddressesAsync(owner);
        // The default removed five times at once (a double click and more): removed once, the others not found.
        var target = afterDefaults.Single(a => a.Item2).Item1;
        var removals = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => stack.PostAsync(ServiceNames.Gateway,
            "mutation($input: RemoveAddressInput!) { removeAddress(input: $input) { errors { code } } }",
            new { input = new { id = target } }, null, owner.Bearer)));
        var afterRemovals = await AddressesAsync(owner);

        Assert.Equal(5, afterAdds.Count);
        Assert.Single(afterAdds, a => a.Item2);
        Assert.Single(afterDefaults, a => a.Item2);
        Assert.Equal(1, removals.Count(r => r.Data.GetProperty("removeAddress").ErrorCodes().Count == 0));
        Assert.Equal(4, removals.Count(r => r.Data.GetProperty("removeAddress").ErrorCodes() is ["ADDRESS_NOT_FOUND"]));
        Assert.Equal(4, afterRemovals.Count);
        Assert.Single(afterRemovals, a => a.Item2);
    }

    [Fact]
    public async Task AddAddress_RefusesACountryCodeWithATrailingNewline()
    {
        var owner = await stack.RegisterAsync();

        var payload = (await stack.PostAsync(ServiceNames.Gateway, "mutation($input: AddressInput!) { addAddress(input: $input) { address { id } errors { code field } } }",
            new { input = Address("Main Street 1") with { country = "US\n" } }, null, owner.Bearer)).Data.GetProperty("addAddress");

        Assert.Equal(["INVALID_ADDRESS"], payload.ErrorCodes());
        Assert.Equal(JsonValueKind.Null, payload.GetProperty("address").ValueKind);
    }

    /// <summary>
    /// Two address changes in one request each answer the account's addresses after their own
    /// change. Before, the second answered the list as the first had loaded it (a request's
    /// loaded results were kept for all its mutation fields), without its own new address.
    /// </summary>
    [Fact]
    public async Task TwoAddressChangesInOneRequest_EachAnswerTheAddressesAfterIt()
    {
        var owner = await stack.RegisterAsync();

        var answer = await stack.PostAsync(ServiceNames.Gateway, """
            mutation($a: AddressInput!, $b: AddressInput!) {
              a: addAddress(input: $a) { address { id } user { addresses { id } } errors { code } }
              b: addAddress(input: $b) { address { id } user { addresses { id } } errors { code } }
            }
            """, new { a = Address("First Street 1"), b = Address("Second Street 2") }, null, owner.Bearer);

        string[] Ids(string field) => [.. answer.Data.GetProperty(field).GetProperty("user").GetProperty("addresses").EnumerateArray().Select(a => a.GetProperty("id").GetString()!)];
        var first = answer.Data.GetProperty("a").GetProperty("address").GetProperty("id").GetString()!;
        var second = answer.Data.GetProperty("b").GetProperty("address").GetProperty("id").GetString()!;
        Assert.Equal([first], Ids("a"));
        Assert.Equal(new[] { first, second }.Order(), Ids("b").Order());
    }

    private static AddressValues Address(string line1) => new("Test User", line1, null, "Springfield", "IL", "62701", "US");

    private sealed record AddressValues(string name, string line1, string? line2, string city, string? region, string postalCode, string country);

    private async Task<string> AddAddressAsync(Account owner, string line1 = "Main Street 1")
    {
        var payload = (await stack.PostAsync(ServiceNames.Gateway, "mutation($input: AddressInput!) { addAddress(input: $input) { address { id } errors { code } } }",
            new { input = Address(line1) }, null, owner.Bearer)).Data.GetProperty("addAddress");
        Assert.Empty(payload.ErrorCodes());
        return payload.GetProperty("address").GetProperty("id").GetString()!;
    }

    private async Task<List<(string, bool)>> AddressesAsync(Account owner) =>
        [.. (await stack.PostAsync(ServiceNames.Gateway, "{ me { addresses { id defaultShipping } } }", null, null, owner.Bearer)).Data
            .GetProperty("me").GetProperty("addresses").EnumerateArray()
            .Select(a => (a.GetProperty("id").GetString()!, a.GetProperty("defaultShipping").GetBoolean()))];
}
