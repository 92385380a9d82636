using System.Net;
using System.Security.Cryptography;
using Federated.Tests.Infrastructure;
using Federated.Tests.Users;

namespace Federated.Tests.Gateway;

/// <summary>
/// Tokens as an attacker would send them: the gateway refuses them (401, UNAUTHENTICATED), and so
/// does every subgraph asked directly, since each verifies the token itself.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class IdentityTests(FederatedStack stack)
{
    private const string Me = "{ me { id email } }";

    public static TheoryData<string> Forgeries => ["expired", "wrong-key", "tampered", "alg-none", "hs256-public-key", "wrong-audience", "wrong-issuer", "garbage", "basic-scheme"];

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedOrStaleToken_IsRefusedByTheGateway(string forgery)
    {
        var header = await AuthorizationAsync(forgery);

        var response = await stack.PostAsync(ServiceNames.Gateway, Me, null, null, header);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        response.SingleError("UNAUTHENTICATED");
        Assert.False(response.Json.TryGetProperty("data", out var data) && data.ValueKind == System.Text.Json.JsonValueKind.Object
            && data.TryGetProperty("me", out var me) && me.ValueKind != System.Text.Json.JsonValueKind.Null, response.ToString());
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public async Task ForgedOrStaleToken_IsRefusedByEverySubgraph(string forgery)
    {
        var header = await AuthorizationAsync(forgery);

        foreach (var subgraph in ServiceNames.Subgraphs)
        {
            var response = await stack.PostAsync(subgraph.Name, "{ __typename }", null, null, header);

            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
            response.SingleError("UNAUTHENTICATED");
        }
    }

    [Fact]
    public async Task ValidToken_IsAcceptedByEverySubgraph()
    {
        var account = await stack.RegisterAsync();

        foreach (var subgraph in ServiceNames.Subgraphs)
            Assert.Equal("Query", (await stack.PostAsync(subgraph.Name, "{ __typename }", null, null, account.Bearer)).Data.GetProperty("__typename").GetString());
    }

    [Theory]
    [InlineData("X-User-Id")]
    [InlineData("X-User")]
    [InlineData("X-Forwarded-User")]
    [InlineData("X-Auth-Request-User")]
    [InlineData("X-Remote-User")]
    public async Task IdentityHeader_FromTheClient_IsIgnored(string header)
    {
        var headers = new Dictionary<string, string> { [header] = Accounts.AdminId, ["X-User-Roles"] = "admin", ["X-Role"] = "admin" };

        foreach (var service in new[] { ServiceNames.Gateway, ServiceNames.Users })
        {
            var data = (await stack.PostAsync(service, Me, null, null, headers)).Data;
            Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("me").ValueKind);
        }
        var user = await stack.PostAsync(ServiceNames.Users, $"{{ user(id: \"{Accounts.AdminId}\") {{ email }} }}", null, null, headers);
        Assert.Equal("UNAUTHENTICATED", user.ErrorCodes.Single());
    }

    private async Task<Dictionary<string, string>> AuthorizationAsync(string forgery)
    {
        var account = await stack.RegisterAsync();
        var token = forgery switch
        {
            "expired" => Accounts.Mint(stack, account.Id, expires: DateTime.UtcNow.AddMinutes(-5)),
            "wrong-key" => Accounts.Mint(stack, account.Id, key: ECDsa.Create(ECCurve.NamedCurves.nistP256)),
            "tampered" => Accounts.WithPayload(stack, account.Token, Accounts.AdminId),
            "alg-none" => Accounts.Unsigned(stack, Accounts.AdminId),
            "hs256-public-key" => Accounts.HmacWithPublicKey(stack, Accounts.AdminId),
            "wrong-audience" => Accounts.Mint(stack, account.Id, audience: "some-other-api"),
            "wrong-issuer" => Accounts.Mint(stack, account.Id, issuer: "someone-else"),
            "garbage" => "not.a.token",
            "basic-scheme" => null,
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
        return token is null
            ? new() { ["Authorization"] = "Basic YWRtaW46YWRtaW4=" }
            : Accounts.BearerHeader(token);
    }
}
