using Federated.Tests.Infrastructure;
using Federated.Tests.Orders;

namespace Federated.Tests.Users;

/// <summary>signOut and signOutEverywhere revoke refresh tokens of the caller's account only.</summary>
[Collection(FederatedCollection.Name)]
public sealed class SignOutTests(FederatedStack stack)
{
    private const string SignOut = "mutation($input: SignOutInput!) { signOut(input: $input) { revokedSessions errors { code message field } } }";
    private const string SignOutEverywhere = "mutation($input: SignOutEverywhereInput!) { signOutEverywhere(input: $input) { revokedSessions errors { code } } }";
    private const string Refresh = "mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { " + Accounts.AuthFields + " } }";

    [Fact]
    public async Task SignOut_RevokesTheGivenRefreshToken()
    {
        var account = await stack.RegisterAsync();

        var payload = (await stack.PostAsync(ServiceNames.Gateway, SignOut, new { input = new { refreshToken = account.RefreshToken } }, null, account.Bearer)).Data.GetProperty("signOut");

        Assert.Empty(payload.ErrorCodes());
        Assert.Equal(1, payload.GetProperty("revokedSessions").GetInt32());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(account.RefreshToken)).ErrorCodes());
    }

    [Fact]
    public async Task SignOut_WithAnotherUsersRefreshToken_RevokesNothing()
    {
        var attacker = await stack.RegisterAsync();
        var victim = await stack.RegisterAsync();

        var payload = (await stack.PostAsync(ServiceNames.Gateway, SignOut, new { input = new { refreshToken = victim.RefreshToken } }, null, attacker.Bearer)).Data.GetProperty("signOut");

        Assert.Equal(["INVALID_REFRESH_TOKEN"], payload.ErrorCodes());
        Assert.Equal(0, payload.GetProperty("revokedSessions").GetInt32());
        // The victim's session goes on; the attacker's too.
        Assert.Empty((await RefreshAsync(victim.RefreshToken)).ErrorCodes());
        Assert.Empty((await RefreshAsync(attacker.RefreshToken)).ErrorCodes());
    }

    [Fact]
    public async Task SignOut_OfAnEndedSession_IsAnError()
    {
        var account = await stack.RegisterAsync();
        var input = new { input = new { refreshToken = account.RefreshToken } };
        await stack.PostAsync(ServiceNames.Users, SignOut, input, null, account.Bearer);

        var again = (await stack.PostAsync(ServiceNames.Users, SignOut, input, null, account.Bearer)).Data.GetProperty("signOut");
        var madeUp = (await stack.PostAsync(ServiceNames.Users, SignOut, new { input = new { refreshToken = "made-up" } }, null, account.Bearer)).Data.GetProperty("signOut");

        Assert.Equal(["INVALID_REFRESH_TOKEN"], again.ErrorCodes());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], madeUp.ErrorCodes());
    }

    [Theory]
    [InlineData(ServiceNames.Gateway)]
    [InlineData(ServiceNames.Users)]
    public async Task SignOut_AndSignOutEverywhere_RequireSignIn(string service)
    {
        var account = await stack.RegisterAsync();

        var one = await stack.PostAsync(service, SignOut, new { input = new { refreshToken = account.RefreshToken } });
        var all = await stack.PostAsync(service, SignOutEverywhere, new { input = new { } });

        Assert.Equal("UNAUTHENTICATED", one.ErrorCodes.Single());
        Assert.Equal("UNAUTHENTICATED", all.ErrorCodes.Single());
        Assert.Empty((await RefreshAsync(account.RefreshToken)).ErrorCodes());
    }

    [Fact]
    public async Task SignOutEverywhere_RevokesEverySessionOfTheCaller_AndNoOneElses()
    {
        var account = await stack.RegisterAsync();
        var second = await stack.SignInAsync(account.Email, account.Password);
        var other = await stack.RegisterAsync();

        var payload = (await stack.PostAsync(ServiceNames.Gateway, SignOutEverywhere, new { input = new { } }, null, account.Bearer)).Data.GetProperty("signOutEverywhere");

        Assert.Empty(payload.ErrorCodes());
        Assert.Equal(2, payload.GetProperty("revokedSessions").GetInt32());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(account.RefreshToken)).ErrorCodes());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(second.GetProperty("refreshToken").GetString()!)).ErrorCodes());
        Assert.Empty((await RefreshAsync(other.RefreshToken)).ErrorCodes());
    }

    [Fact]
    public async Task SignOutEverywhere_CanKeepTheCallersOwnSession()
    {
        var account = await stack.RegisterAsync();
        var elsewhere = await stack.SignInAsync(account.Email, account.Password);

        var payload = (await stack.PostAsync(ServiceNames.Gateway, SignOutEverywhere, new { input = new { exceptRefreshToken = account.RefreshToken } }, null, account.Bearer))
            .Data.GetProperty("signOutEverywhere");

        Assert.Equal(1, payload.GetProperty("revokedSessions").GetInt32());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(elsewhere.GetProperty("refreshToken").GetString()!)).ErrorCodes());
        Assert.Empty((await RefreshAsync(account.RefreshToken)).ErrorCodes());
    }

    /// <summary>
    /// A sign-out everywhere while a refresh is in flight (the old token spent, the new one not
    /// yet saved) waits for it and revokes the token it issues. Before, it skipped the spent
    /// token, came before the new one and answered "signed out", and the new token lived on:
    /// a stolen session survived the sign-out meant to end it (found by a review).
    /// </summary>
    [Fact]
    public async Task SignOutEverywhere_WhileARefreshIsInFlight_RevokesTheTokenTheRefreshIssues()
    {
        var account = await stack.RegisterAsync();
        const string instance = "users-refresh-in-flight";
        await using var proxied = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Users, instance);

        // The refresh's save of its new token waits at the proxy.
        var held = proxied.Proxy.HoldNextAsync("INSERT INTO", "refresh_tokens");
        var refreshing = stack.PostAsync(instance, Refresh, new { input = new { refreshToken = account.RefreshToken } });
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        var signingOut = stack.PostAsync(ServiceNames.Users, SignOutEverywhere, new { input = new { } }, null, account.Bearer);
        // Until it waits for the account the refresh holds, or (the code before) has answered.
        await Eventually.WaitForAsync(async () => signingOut.IsCompleted || Convert.ToInt64(await stack.OrdersScalarAsync(
                "select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%users.users%for update%'"), System.Globalization.CultureInfo.InvariantCulture) > 0,
            () => "The sign-out neither answered nor waited for the refresh.", TimeSpan.FromSeconds(30));
        proxied.Proxy.ReleaseHeld();
        var refreshed = (await refreshing).Data.GetProperty("refreshToken");
        var signedOut = (await signingOut).Data.GetProperty("signOutEverywhere");

        Assert.Empty(refreshed.ErrorCodes());
        Assert.Empty(signedOut.ErrorCodes());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(refreshed.GetProperty("refreshToken").GetString()!)).ErrorCodes());
    }

    private async Task<System.Text.Json.JsonElement> RefreshAsync(string refreshToken) =>
        (await stack.PostAsync(ServiceNames.Users, Refresh, new { input = new { refreshToken } })).Data.GetProperty("refreshToken");
}
