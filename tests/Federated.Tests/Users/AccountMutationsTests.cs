using System.Text.Json;
using Federated.Tests.Infrastructure;
using Federated.Tests.Orders;
using Npgsql;

namespace Federated.Tests.Users;

[Collection(FederatedCollection.Name)]
public sealed class AccountMutationsTests(FederatedStack stack)
{
    private const string Me = "{ me { id email name } }";

    [Fact]
    public async Task Register_ReturnsAToken_ThatSignsInThroughTheGateway()
    {
        var account = await stack.RegisterAsync(ServiceNames.Gateway);

        var me = (await stack.PostAsync(ServiceNames.Gateway, Me, null, null, account.Bearer)).Data.GetProperty("me");

        Assert.Equal(account.Id, me.GetProperty("id").GetString());
        Assert.Equal(account.Email, me.GetProperty("email").GetString());
    }

    [Fact]
    public async Task Me_IsNull_WhenAnonymous()
    {
        var data = (await stack.PostAsync(ServiceNames.Gateway, Me)).Data;

        Assert.Equal(System.Text.Json.JsonValueKind.Null, data.GetProperty("me").ValueKind);
    }

    [Fact]
    public async Task Register_RefusesAnEmailThatExists_InAnyLetterCase()
    {
        var account = await stack.RegisterAsync();

        var payload = (await stack.RegisterRequestAsync("  " + account.Email.ToUpperInvariant(), "another long password")).Data.GetProperty("register");

        Assert.Equal(["EMAIL_TAKEN"], payload.ErrorCodes());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, payload.GetProperty("token").ValueKind);
    }

    [Fact]
    public async Task Register_RefusesInvalidInput_FieldByField()
    {
        var payload = (await stack.RegisterRequestAsync("not-an-email", "short", name: " ")).Data.GetProperty("register");

        Assert.Equal(["INVALID_EMAIL", "INVALID_NAME", "WEAK_PASSWORD"], payload.ErrorCodes());
    }

    [Fact]
    public async Task SignIn_WithTheRightPassword_IgnoresEmailCase()
    {
        var account = await stack.RegisterAsync();

        var payload = await stack.SignInAsync(account.Email.ToUpperInvariant(), account.Password, ServiceNames.Gateway);

        Assert.Empty(payload.ErrorCodes());
        Assert.Equal(account.Id, payload.GetProperty("user").GetProperty("id").GetString());
    }

    /// <summary>
    /// A users service started in Production on an empty database gives nobody the published
    /// demo passwords: the administrator is seeded only with a password the operator sets
    /// (<c>Seed:AdminPassword</c>), and the demo customers (the seeded reviews' authors) with
    /// one nobody is told. Before, anyone who had read the README signed in as the
    /// administrator of a new production store.
    /// </summary>
    [Fact]
    public async Task AStoreStartedInProduction_OnAnEmptyDatabase_HasNoAccountWithTheDemoPasswords()
    {
        const string instance = "users-production-fresh";
        const string database = "users_production_fresh_test";
        await TestDatabases.RecreateAsync(stack.Settings, [database], CancellationToken.None);
        using var fresh = await stack.StartInstanceAsync(ServiceNames.Users, instance, new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = stack.Settings.PostgresConnectionString(database),
            ["Seed__AdminPassword"] = "",
            ["Seed__Users"] = "3",
        });

        var admin = await stack.SignInAsync(Accounts.AdminEmail, Accounts.AdminPassword, instance);
        var customer = await stack.SignInAsync("customer000001@federated.example", "customer-demo-password", instance);

        Assert.Equal(["INVALID_CREDENTIALS"], admin.ErrorCodes());
        Assert.Equal(["INVALID_CREDENTIALS"], customer.ErrorCodes());
        // The customers are there (other services' demo data names them), and can be found by id.
        var found = await stack.PostAsync(instance, "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }",
            new { r = new[] { new { __typename = "User", id = "user-000001" } } }, null, Accounts.BearerHeader(Accounts.ServiceToken(stack)));
        Assert.Equal("user-000001", found.Data.GetProperty("_entities")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task SignIn_AnswersWrongPasswordAndUnknownEmail_Identically()
    {
        var account = await stack.RegisterAsync();

        var wrongPassword = await stack.SignInAsync(account.Email, "wrong password 123");
        var unknownEmail = await stack.SignInAsync(stack.NewEmail("nobody"), "wrong password 123");

        // (Both also verify a password hash, so they take as long: see Passwords.Verify.)
        Assert.Equal(wrongPassword.GetRawText(), unknownEmail.GetRawText());
        Assert.Equal(["INVALID_CREDENTIALS"], wrongPassword.ErrorCodes());
    }

    [Fact]
    public async Task SignIn_IsThrottledPerAccount_AfterFiveFailures_EvenWithTheRightPassword()
    {
        var account = await stack.RegisterAsync();
        for (var i = 0; i < 5; i++)
            Assert.Equal(["INVALID_CREDENTIALS"], (await stack.SignInAsync(account.Email, $"guess number {i}")).ErrorCodes());

        var blocked = await stack.SignInAsync(account.Email, account.Password);
        var unknown = await stack.SignInAsync(stack.NewEmail("nobody"), "guess number 0");

        Assert.Equal(["TOO_MANY_ATTEMPTS"], blocked.ErrorCodes());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, blocked.GetProperty("token").ValueKind);
        Assert.Equal(["INVALID_CREDENTIALS"], unknown.ErrorCodes());
    }

    [Fact]
    public async Task SignIn_GuessesSentAtOnce_GetNoMorePasswordChecksThanTheLimit()
    {
        // A client address of its own, so that the per-address count meets only this test.
        var address = new Dictionary<string, string> { ["X-Forwarded-For"] = $"198.51.100.{Random.Shared.Next(1, 250)}, 192.0.2.{Random.Shared.Next(1, 250)}" };
        var account = await stack.RegisterAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => stack.SignInAsync(account.Email, $"guess number {i}", headers: address)));

        Assert.Equal(5, answers.Count(a => a.ErrorCodes() is ["INVALID_CREDENTIALS"]));
        Assert.Equal(15, answers.Count(a => a.ErrorCodes() is ["TOO_MANY_ATTEMPTS"]));
        Assert.Equal(["TOO_MANY_ATTEMPTS"], (await stack.SignInAsync(account.Email, account.Password, headers: address)).ErrorCodes());
    }

    /// <summary>
    /// Sign-ins sent while Redis is stalled (writes paused longer than the service waits, 5 s)
    /// are answered SERVICE_UNAVAILABLE, their passwords never checked; Redis still counts them
    /// once it goes on, so each is given back after it. Before, six presses of "sign in" during
    /// the stall locked the account out for 15 minutes after it.
    /// </summary>
    [Fact]
    public async Task SignInsDuringARedisStall_DoNotCountAgainstTheAccountAfterIt()
    {
        var address = new Dictionary<string, string> { ["X-Forwarded-For"] = $"198.51.100.{Random.Shared.Next(1, 250)}, 198.18.0.{Random.Shared.Next(1, 250)}" };
        var account = await stack.RegisterAsync();

        var (exitCode, output) = await stack.RedisAsync(["client", "pause", "8000", "WRITE"]);
        Assert.True(exitCode == 0, output);
        var stalled = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => stack.PostAsync(ServiceNames.Users,
            $"mutation($input: SignInInput!) {{ signIn(input: $input) {{ {Accounts.AuthFields} }} }}",
            new { input = new { email = account.Email, password = account.Password } }, null, address)));

        Assert.All(stalled, answer => Assert.Equal(["SERVICE_UNAVAILABLE"], answer.ErrorCodes));
        // A write of our own, which waits for the pause's end, behind the counts.
        Assert.Equal(0, (await stack.RedisAsync(["set", $"test:probe:{Guid.NewGuid():N}", "1", "px", "60000"])).ExitCode);
        var signedIn = await stack.SignInAsync(account.Email, account.Password, headers: address);
        Assert.Empty(signedIn.ErrorCodes());
    }

    [Fact]
    public async Task SignIn_IsThrottledPerClientAddress_AcrossAccounts()
    {
        // The users service believes X-Forwarded-For from loopback (the gateway); the test plays the gateway.
        var address = new Dictionary<string, string> { ["X-Forwarded-For"] = $"198.51.100.{Random.Shared.Next(1, 250)}, 203.0.113.{Random.Shared.Next(1, 250)}" };
        var account = await stack.RegisterAsync();
        for (var i = 0; i < 50; i++)
            await stack.SignInAsync(stack.NewEmail("spray"), "password123456", headers: address);

        var blocked = await stack.SignInAsync(account.Email, account.Password, headers: address);
        var elsewhere = await stack.SignInAsync(account.Email, account.Password);

        Assert.Equal(["TOO_MANY_ATTEMPTS"], blocked.ErrorCodes());
        Assert.Empty(elsewhere.ErrorCodes());
    }

    /// <summary>
    /// An IPv6 client is counted by its /64 network (what one subscriber is given), not by each
    /// address in it: before, a client sending every attempt from a new address of its block was
    /// never throttled (found by a review). Another block is counted apart.
    /// </summary>
    [Fact]
    public async Task Register_IsThrottledPerIPv6Network_NotPerAddress()
    {
        var (site, subnet) = (Random.Shared.Next(0x10000), Random.Shared.Next(0x10000));
        var network = $"2001:db8:{site:x}:{subnet:x}";
        for (var i = 1; i <= 10; i++)
            Assert.Empty((await stack.RegisterRequestAsync(stack.NewEmail("v6"), "long enough password", clientAddress: $"{network}::{i:x}")).Data.GetProperty("register").ErrorCodes());

        var blocked = (await stack.RegisterRequestAsync(stack.NewEmail("v6"), "long enough password", clientAddress: $"{network}:ffff:1:2:3")).Data.GetProperty("register");
        var elsewhere = (await stack.RegisterRequestAsync(stack.NewEmail("v6"), "long enough password", clientAddress: $"2001:db8:{site:x}:{subnet ^ 1:x}::1")).Data.GetProperty("register");

        Assert.Equal(["TOO_MANY_ATTEMPTS"], blocked.ErrorCodes());
        Assert.Empty(elsewhere.ErrorCodes());
    }

    [Fact]
    public async Task Register_IsThrottledPerClientAddress_EmailTakenProbesIncluded()
    {
        const string address = "192.0.2.10";
        var existing = await stack.RegisterAsync();
        for (var i = 0; i < 9; i++)
            Assert.Empty((await stack.RegisterRequestAsync(stack.NewEmail("signup"), "long enough password", clientAddress: address)).Data.GetProperty("register").ErrorCodes());
        // A probe for an existing email counts like a sign-up.
        var probe = (await stack.RegisterRequestAsync(existing.Email, "long enough password", clientAddress: address)).Data.GetProperty("register");

        var email = stack.NewEmail("signup");
        var blocked = (await stack.RegisterRequestAsync(email, "long enough password", clientAddress: address)).Data.GetProperty("register");
        var blockedProbe = (await stack.RegisterRequestAsync(existing.Email, "long enough password", clientAddress: address)).Data.GetProperty("register");
        var elsewhere = (await stack.RegisterRequestAsync(email, "long enough password", clientAddress: "192.0.2.11")).Data.GetProperty("register");

        Assert.Equal(["EMAIL_TAKEN"], probe.ErrorCodes());
        Assert.Equal(["TOO_MANY_ATTEMPTS"], blocked.ErrorCodes());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, blocked.GetProperty("token").ValueKind);
        Assert.Equal(["TOO_MANY_ATTEMPTS"], blockedProbe.ErrorCodes());
        // The refused attempt created nothing: the same email registers from another address.
        Assert.Empty(elsewhere.ErrorCodes());
    }

    [Fact]
    public async Task Register_InvalidInput_DoesNotCountTowardsTheThrottle()
    {
        const string address = "192.0.2.20";
        for (var i = 0; i < 12; i++)
            Assert.Equal(["WEAK_PASSWORD"], (await stack.RegisterRequestAsync(stack.NewEmail("typo"), "short", clientAddress: address)).Data.GetProperty("register").ErrorCodes());

        Assert.Empty((await stack.RegisterRequestAsync(stack.NewEmail("signup"), "long enough password", clientAddress: address)).Data.GetProperty("register").ErrorCodes());
    }

    [Fact]
    public async Task RefreshToken_Rotates_AndAReusedTokenEndsTheSession()
    {
        var account = await stack.RegisterAsync();
        const string refresh = "mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { " + Accounts.AuthFields + " } }";

        var first = (await stack.PostAsync(ServiceNames.Gateway, refresh, new { input = new { refreshToken = account.RefreshToken } })).Data.GetProperty("refreshToken");
        var reused = (await stack.PostAsync(ServiceNames.Gateway, refresh, new { input = new { refreshToken = account.RefreshToken } })).Data.GetProperty("refreshToken");
        var afterReuse = (await stack.PostAsync(ServiceNames.Gateway, refresh, new { input = new { refreshToken = first.GetProperty("refreshToken").GetString() } })).Data.GetProperty("refreshToken");

        Assert.Empty(first.ErrorCodes());
        Assert.NotEqual(account.RefreshToken, first.GetProperty("refreshToken").GetString());
        var me = (await stack.PostAsync(ServiceNames.Gateway, Me, null, null, Accounts.BearerHeader(first.GetProperty("token").GetString()!))).Data.GetProperty("me");
        Assert.Equal(account.Id, me.GetProperty("id").GetString());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], reused.ErrorCodes());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], afterReuse.ErrorCodes());
    }

    /// <summary>
    /// A refresh whose new token could not be saved (the database's answer lost) leaves the old
    /// token unspent: the retry the error invites gets a new pair, and the account's other
    /// sessions go on. Before, the old token was spent on its own first, so the retry was a
    /// reuse, refused, and it ended every session of the account (found by a review).
    /// </summary>
    [Fact]
    public async Task RefreshToken_WhoseNewTokenWasNotSaved_CanBeSentAgain_AndEndsNoSession()
    {
        var account = await stack.RegisterAsync();
        var elsewhere = (await stack.SignInAsync(account.Email, account.Password)).GetProperty("refreshToken").GetString()!;
        const string instance = "users-refresh-lost";
        await using var proxied = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Users, instance);
        const string refresh = "mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { " + Accounts.AuthFields + " } }";

        proxied.Proxy.LoseTheAnswerTo("INSERT INTO users.refresh_tokens");
        var failed = await stack.PostAsync(instance, refresh, new { input = new { refreshToken = account.RefreshToken } });
        proxied.Proxy.Restore();
        var retried = (await stack.PostAsync(instance, refresh, new { input = new { refreshToken = account.RefreshToken } })).Data.GetProperty("refreshToken");

        Assert.Equal(1, proxied.Proxy.AnswersLost);
        Assert.Equal(["SERVICE_UNAVAILABLE"], failed.ErrorCodes);
        Assert.Empty(retried.ErrorCodes());
        Assert.Empty((await stack.PostAsync(ServiceNames.Users, refresh, new { input = new { refreshToken = elsewhere } })).Data.GetProperty("refreshToken").ErrorCodes());
    }

    /// <summary>
    /// Refreshes are counted per account (60 per 15 minutes): a loop of refreshes, which needs no
    /// password, is stopped with TOO_MANY_ATTEMPTS, and the token it presented stays good (here:
    /// its session can still be signed out). Before, nothing limited them, and each one added a
    /// row to the account's tokens that was never deleted.
    /// </summary>
    [Fact]
    public async Task RefreshToken_IsThrottledPerAccount_AndTheTokenRefusedStaysGood()
    {
        var account = await stack.RegisterAsync();
        const string refresh = "mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { " + Accounts.AuthFields + " } }";
        var (token, refreshToken) = (account.Token, account.RefreshToken);

        for (var i = 0; i < 60; i++)
        {
            var pair = (await stack.PostAsync(ServiceNames.Users, refresh, new { input = new { refreshToken } })).Data.GetProperty("refreshToken");
            Assert.Empty(pair.ErrorCodes());
            (token, refreshToken) = (pair.GetProperty("token").GetString()!, pair.GetProperty("refreshToken").GetString()!);
        }
        var refused = (await stack.PostAsync(ServiceNames.Users, refresh, new { input = new { refreshToken } })).Data.GetProperty("refreshToken");

        Assert.Equal(["TOO_MANY_ATTEMPTS"], refused.ErrorCodes());
        var signedOut = (await stack.PostAsync(ServiceNames.Users, "mutation($input: SignOutInput!) { signOut(input: $input) { revokedSessions errors { code } } }",
            new { input = new { refreshToken } }, null, Accounts.BearerHeader(token))).Data.GetProperty("signOut");
        Assert.Empty(signedOut.ErrorCodes());
        Assert.Equal(1, signedOut.GetProperty("revokedSessions").GetInt32());
    }

    /// <summary>
    /// The refresh limit counts only live tokens. A thief who refreshes a stolen token's chain
    /// past the limit does not keep the owner's reuse of the stolen token from being caught: it
    /// still ends every session, the thief's included. And refreshes of a dead token (signed
    /// out) do not lock the owner's devices out. Before (found by the review of this change),
    /// the count came first: the reuse was answered TOO_MANY_ATTEMPTS and the thief's session
    /// lived on, and a signed-out token sent 61 times locked the account's refreshes.
    /// </summary>
    [Fact]
    public async Task RefreshThrottle_CountsOnlyLiveTokens_SoAReuseIsStillCaught_AndDeadTokensLockNobodyOut()
    {
        const string refresh = "mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { " + Accounts.AuthFields + " } }";
        async Task<JsonElement> RefreshAsync(string refreshToken) =>
            (await stack.PostAsync(ServiceNames.Users, refresh, new { input = new { refreshToken } })).Data.GetProperty("refreshToken");

        var account = await stack.RegisterAsync();
        var stolen = account.RefreshToken;
        var current = (await RefreshAsync(stolen)).GetProperty("refreshToken").GetString()!;
        for (var i = 0; i < 70; i++)
        {
            var pair = await RefreshAsync(current);
            if (pair.ErrorCodes() is ["TOO_MANY_ATTEMPTS"])
                break;
            Assert.Empty(pair.ErrorCodes());
            current = pair.GetProperty("refreshToken").GetString()!;
        }
        Assert.Equal(["TOO_MANY_ATTEMPTS"], (await RefreshAsync(current)).ErrorCodes());

        Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(stolen)).ErrorCodes());
        Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(current)).ErrorCodes());

        var other = await stack.RegisterAsync();
        var signedOut = (await stack.PostAsync(ServiceNames.Users, "mutation($input: SignOutEverywhereInput!) { signOutEverywhere(input: $input) { revokedSessions } }",
            new { input = new { } }, null, other.Bearer)).Data.GetProperty("signOutEverywhere");
        Assert.Equal(1, signedOut.GetProperty("revokedSessions").GetInt32());
        for (var i = 0; i < 61; i++)
            Assert.Equal(["INVALID_REFRESH_TOKEN"], (await RefreshAsync(other.RefreshToken)).ErrorCodes());
        var again = (await stack.SignInAsync(other.Email, other.Password)).GetProperty("refreshToken").GetString()!;
        Assert.Empty((await RefreshAsync(again)).ErrorCodes());
    }

    /// <summary>
    /// An account's refresh tokens past their 30 days are deleted when it is next given a token
    /// (here a sign-in): they sign nobody in. Before, every sign-in and refresh added a row that
    /// was kept for good.
    /// </summary>
    [Fact]
    public async Task SigningIn_DeletesTheAccountsExpiredRefreshTokens()
    {
        var account = await stack.RegisterAsync();
        var expired = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var db = new NpgsqlConnection(stack.Settings.PostgresConnectionString(Subgraph.Named(ServiceNames.Users).Database));
        await db.OpenAsync();
        await using (var insert = new NpgsqlCommand("""
            insert into users.refresh_tokens ("TokenHash", "UserId", "CreatedAt", "ExpiresAt", "UsedAt")
            values ($1, $2, now() - interval '31 days', now() - interval '1 day', now() - interval '30 days')
            """, db))
        {
            insert.Parameters.Add(new NpgsqlParameter { Value = expired });
            insert.Parameters.Add(new NpgsqlParameter { Value = account.Id });
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Empty((await stack.SignInAsync(account.Email, account.Password)).ErrorCodes());

        await using var count = new NpgsqlCommand("""select count(*) from users.refresh_tokens where "TokenHash" = $1""", db);
        count.Parameters.Add(new NpgsqlParameter { Value = expired });
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    [Fact]
    public async Task RefreshToken_RefusesAMadeUpToken()
    {
        var payload = (await stack.PostAsync(ServiceNames.Users,
            "mutation { refreshToken(input: { refreshToken: \"made-up\" }) { token errors { code } } }")).Data.GetProperty("refreshToken");

        Assert.Equal(["INVALID_REFRESH_TOKEN"], payload.ErrorCodes());
    }

    [Fact]
    public async Task SeededAdmin_SignsIn()
    {
        var admin = await stack.SignInAdminAsync();

        var me = (await stack.PostAsync(ServiceNames.Gateway, Me, null, null, admin.Bearer)).Data.GetProperty("me");

        Assert.Equal(Accounts.AdminId, me.GetProperty("id").GetString());
    }
}
