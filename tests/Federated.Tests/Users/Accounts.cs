using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Federated.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federated.Tests.Users;

/// <summary>A signed-in test account.</summary>
public sealed record Account(string Id, string Email, string Password, string Token, string RefreshToken)
{
    public Dictionary<string, string> Bearer => new() { ["Authorization"] = $"Bearer {Token}" };
}

/// <summary>Accounts, sign-in and hand-made tokens for the users and gateway tests.</summary>
internal static class Accounts
{
    public const string AuthFields = "token tokenExpiresAt refreshToken user { id email name } errors { code message field }";
    public const string AdminEmail = "admin@federated.example";
    public const string AdminPassword = "admin-demo-password";
    public const string AdminId = "user-000000";

    private static int _counter;

    /// <summary>An email no other test (nor an earlier run) uses.</summary>
    public static string NewEmail(this FederatedStack stack, string label = "user") =>
        $"{label}-{stack.RunId}-{Interlocked.Increment(ref _counter)}@test.example";

    private static int _addressCounter;

    /// <summary>
    /// Registers from a client address of its own (the test plays the gateway, whose
    /// X-Forwarded-For the users service believes from loopback), as separate customers would,
    /// so that the per-address registration throttle meets only the test that aims at it.
    /// Through the gateway the address is the test's own (loopback): the gateway replaces the header.
    /// </summary>
    public static Task<GraphQLResponse> RegisterRequestAsync(this FederatedStack stack, string email, string password, string name = "Test User",
        string service = ServiceNames.Users, string? clientAddress = null)
    {
        var n = Interlocked.Increment(ref _addressCounter);
        var headers = new Dictionary<string, string> { ["X-Forwarded-For"] = clientAddress ?? $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}" };
        return stack.PostAsync(service, $"mutation($input: RegisterInput!) {{ register(input: $input) {{ {AuthFields} }} }}",
            new { input = new { email, password, name } }, null, headers);
    }

    public static async Task<Account> RegisterAsync(this FederatedStack stack, string service = ServiceNames.Users)
    {
        var email = stack.NewEmail();
        const string password = "correct horse battery";
        var payload = (await stack.RegisterRequestAsync(email, password, service: service)).Data.GetProperty("register");
        Assert.Empty(payload.GetProperty("errors").EnumerateArray());
        return new Account(payload.GetProperty("user").GetProperty("id").GetString()!, email, password,
            payload.GetProperty("token").GetString()!, payload.GetProperty("refreshToken").GetString()!);
    }

    public static async Task<JsonElement> SignInAsync(this FederatedStack stack, string email, string password,
        string service = ServiceNames.Users, IReadOnlyDictionary<string, string>? headers = null)
    {
        var response = await stack.PostAsync(service, $"mutation($input: SignInInput!) {{ signIn(input: $input) {{ {AuthFields} }} }}",
            new { input = new { email, password } }, null, headers);
        return response.Data.GetProperty("signIn");
    }

    public static async Task<Account> SignInAdminAsync(this FederatedStack stack)
    {
        var payload = await stack.SignInAsync(AdminEmail, AdminPassword);
        return new Account(AdminId, AdminEmail, AdminPassword, payload.GetProperty("token").GetString()!, payload.GetProperty("refreshToken").GetString()!);
    }

    public static Dictionary<string, string> BearerHeader(string token) => new() { ["Authorization"] = $"Bearer {token}" };

    public static IReadOnlyList<string> ErrorCodes(this JsonElement payload) =>
        [.. payload.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("code").GetString()!)];

    /// <summary>An ES256 token signed with the given key (the development key unless told otherwise).</summary>
    public static string Mint(FederatedStack stack, string subject, DateTime? expires = null, ECDsa? key = null,
        string? issuer = null, string? audience = null, string role = "customer")
    {
        var signingKey = key;
        if (signingKey is null)
        {
            signingKey = ECDsa.Create();
            signingKey.ImportFromPem(stack.Settings.Identity.SigningKey);
        }
        var exp = expires ?? DateTime.UtcNow.AddMinutes(10);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? stack.Settings.Identity.Issuer,
            Audience = audience ?? stack.Settings.Identity.Audience,
            IssuedAt = exp.AddMinutes(-15),
            NotBefore = exp.AddMinutes(-15),
            Expires = exp,
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(signingKey), SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object> { ["sub"] = subject, ["email"] = "x@test.example", ["role"] = role },
        });
    }

    /// <summary>A service token, as the orders service makes them: signed with the service key, role service only.</summary>
    public static string ServiceToken(FederatedStack stack, string service = "orders")
    {
        var key = ECDsa.Create();
        key.ImportFromPem(stack.Settings.Identity.ServiceSigningKey);
        return Mint(stack, service, key: key, role: "service");
    }

    /// <summary>An unsigned token (<c>alg: none</c>) claiming to be <paramref name="subject"/>.</summary>
    public static string Unsigned(FederatedStack stack, string subject, string role = "admin") =>
        Segment(new { alg = "none", typ = "JWT" }) + "." + Segment(Claims(stack, subject, role)) + ".";

    /// <summary>An HS256 token keyed with the public key's PEM text: the classic algorithm-confusion attack.</summary>
    public static string HmacWithPublicKey(FederatedStack stack, string subject, string role = "admin")
    {
        var signingInput = Segment(new { alg = "HS256", typ = "JWT" }) + "." + Segment(Claims(stack, subject, role));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(stack.Settings.Identity.PublicKey), Encoding.ASCII.GetBytes(signingInput));
        return signingInput + "." + Base64Url.EncodeToString(signature);
    }

    /// <summary>The token with its payload replaced (signature kept): claims the holder did not get signed.</summary>
    public static string WithPayload(FederatedStack stack, string token, string subject, string role = "admin")
    {
        var parts = token.Split('.');
        return parts[0] + "." + Segment(Claims(stack, subject, role)) + "." + parts[2];
    }

    private static object Claims(FederatedStack stack, string subject, string role)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new { sub = subject, email = "x@test.example", role, iss = stack.Settings.Identity.Issuer, aud = stack.Settings.Identity.Audience, iat = now, nbf = now, exp = now + 600 };
    }

    private static string Segment(object value) => Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(value));
}
