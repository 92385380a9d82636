using System.Net;
using System.Security.Cryptography;
using System.Text;
using StackExchange.Redis;

namespace Federated.Users.Accounts;

/// <summary>
/// Counts sign-in attempts per account (the normalized email, whether or not it exists) and per
/// client address in Redis, in a fixed window that starts with the first count. An attempt is
/// counted before its password is checked, so attempts sent at once each see the others: over
/// either limit, sign-in is refused without looking at the password. A successful sign-in takes
/// its count back, so the limits are on failures.
/// </summary>
public sealed class SignInThrottle(FixedWindowCounter counter, IConfiguration configuration)
{
    private int MaxPerAccount => configuration.GetValue("SignIn:MaxFailuresPerAccount", 5);
    private int MaxPerAddress => configuration.GetValue("SignIn:MaxFailuresPerAddress", 50);
    private TimeSpan Window => configuration.GetValue("SignIn:ThrottleWindow", TimeSpan.FromMinutes(15));
    private string Prefix => configuration.GetValue("SignIn:RedisKeyPrefix", "users:signin:")!;

    /// <summary>Counts the attempt; false when it is over a limit and its password must not be checked.</summary>
    public async Task<bool> TryAttemptAsync(string normalizedEmail, IPAddress? address)
    {
        var counts = await Task.WhenAll(
            counter.IncrementAsync(AccountKey(normalizedEmail), Window),
            counter.IncrementAsync(FixedWindowCounter.AddressKey(Prefix, address), Window));
        return counts[0] <= MaxPerAccount && counts[1] <= MaxPerAddress;
    }

    /// <summary>A successful sign-in clears the account's count and takes its attempt off the address's.</summary>
    public Task SucceededAsync(string normalizedEmail, IPAddress? address) =>
        Task.WhenAll(
            counter.ResetAsync(AccountKey(normalizedEmail)),
            counter.GiveBackAsync(FixedWindowCounter.AddressKey(Prefix, address)));

    // Hashed, so Redis holds no email addresses.
    private RedisKey AccountKey(string normalizedEmail) =>
        $"{Prefix}account:{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalizedEmail)))}";
}
