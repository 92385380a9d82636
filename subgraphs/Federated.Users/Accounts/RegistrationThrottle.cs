using System.Net;

namespace Federated.Users.Accounts;

/// <summary>
/// Counts registration attempts per client address in Redis (10 an hour by default;
/// <c>Register:*</c> settings). Every attempt that reaches the store counts, whether it creates
/// an account or finds the email taken, so probing emails through <c>register</c> is as slow
/// as creating accounts.
/// </summary>
public sealed class RegistrationThrottle(FixedWindowCounter counter, IConfiguration configuration)
{
    private int MaxPerAddress => configuration.GetValue("Register:MaxPerAddress", 10);
    private TimeSpan Window => configuration.GetValue("Register:ThrottleWindow", TimeSpan.FromHours(1));
    private string Prefix => configuration.GetValue("Register:RedisKeyPrefix", "users:register:")!;

    /// <summary>Counts one attempt from the address; false when it is past the limit.</summary>
    public async Task<bool> TryCountAttemptAsync(IPAddress? address) =>
        await counter.IncrementAsync(FixedWindowCounter.AddressKey(Prefix, address), Window) <= MaxPerAddress;
}
