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
public sealed class SignInThrottle(FixedWindowCounter counter, IConfiguration configuration)
{
    private int MaxPerAccount => configuration.GetValue("SignIn:MaxFailuresPerAccount", 5);
    private int MaxPerAddress => configuration.GetValue("SignIn:MaxFailuresPerAddress", 50);
    private TimeSpan Window => configuration.GetValue("SignIn:ThrottleWindow", TimeSpan.FromMinutes(15));
    private string Prefix => configuration.GetValue("SignIn:RedisKeyPrefix", "users:signin:")!;

    public async Task<bool> IsBlockedAsync(string normalizedEmail, IPAddress? address)
    {
        var counts = await counter.GetAsync(AccountKey(normalizedEmail), FixedWindowCounter.AddressKey(Prefix, address));
        return counts[0] >= MaxPerAccount || counts[1] >= MaxPerAddress;
    }

    public Task RecordFailureAsync(string normalizedEmail, IPAddress? address) =>
        Task.WhenAll(
            counter.IncrementAsync(AccountKey(normalizedEmail), Window),
            counter.IncrementAsync(FixedWindowCounter.AddressKey(Prefix, address), Window));

    /// <summary>A successful sign-in clears the account's count (not the address's).</summary>
    public Task ResetAccountAsync(string normalizedEmail) => counter.ResetAsync(AccountKey(normalizedEmail));

    // Hashed, so Redis holds no email addresses.
    private RedisKey AccountKey(string normalizedEmail) =>
        $"{Prefix}account:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)))}";
}
