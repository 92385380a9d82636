using System.Net;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Federated.Users.Accounts;

/// <summary>
/// Counts failed sign-ins per account (the normalized email, whether or not it exists) and
/// per client address in Redis, in a fixed window that starts with the first failure. Over
/// either limit, sign-in is refused without looking at the password.
/// </summary>
public sealed class SignInThrottle(IConnectionMultiplexer redis, IConfiguration configuration)
{
    // INCR and set the window on the first failure, atomically.
    private const string CountFailure = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    private int MaxPerAccount => configuration.GetValue("SignIn:MaxFailuresPerAccount", 5);
    private int MaxPerAddress => configuration.GetValue("SignIn:MaxFailuresPerAddress", 50);
    private TimeSpan Window => configuration.GetValue("SignIn:ThrottleWindow", TimeSpan.FromMinutes(15));
    private string Prefix => configuration.GetValue("SignIn:RedisKeyPrefix", "users:signin:")!;

    public async Task<bool> IsBlockedAsync(string normalizedEmail, IPAddress? address)
    {
        var db = redis.GetDatabase();
        var values = await db.StringGetAsync([AccountKey(normalizedEmail), AddressKey(address)]);
        return (long?)values[0] >= MaxPerAccount || (long?)values[1] >= MaxPerAddress;
    }

    public async Task RecordFailureAsync(string normalizedEmail, IPAddress? address)
    {
        var db = redis.GetDatabase();
        var window = (long)Window.TotalMilliseconds;
        await Task.WhenAll(
            db.ScriptEvaluateAsync(CountFailure, [AccountKey(normalizedEmail)], [window]),
            db.ScriptEvaluateAsync(CountFailure, [AddressKey(address)], [window]));
    }

    /// <summary>A successful sign-in clears the account's count (not the address's).</summary>
    public Task ResetAccountAsync(string normalizedEmail) => redis.GetDatabase().KeyDeleteAsync(AccountKey(normalizedEmail));

    // Hashed, so Redis holds no email addresses.
    private RedisKey AccountKey(string normalizedEmail) =>
        $"{Prefix}account:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)))}";

    private RedisKey AddressKey(IPAddress? address) => $"{Prefix}address:{address?.ToString() ?? "unknown"}";
}
