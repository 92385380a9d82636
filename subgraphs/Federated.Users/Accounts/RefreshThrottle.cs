namespace Federated.Users.Accounts;

/// <summary>
/// Counts token refreshes per account in Redis (60 per 15 minutes by default; <c>Refresh:*</c>
/// settings). A client refreshes about once per access token (15 minutes), so the limit leaves
/// room for dozens of devices; it stops a loop of refreshes, which needs no password and
/// costs no hash, from adding rows to the account's tokens as fast as the store takes them.
/// A refresh past the limit spends nothing: its token stays good for when the window ends.
/// </summary>
public sealed class RefreshThrottle(FixedWindowCounter counter, IConfiguration configuration)
{
    private int MaxPerAccount => configuration.GetValue("Refresh:MaxPerAccount", 60);
    private TimeSpan Window => configuration.GetValue("Refresh:ThrottleWindow", TimeSpan.FromMinutes(15));
    private string Prefix => configuration.GetValue("Refresh:RedisKeyPrefix", "users:refresh:")!;

    /// <summary>Counts one refresh of the account; false when it is past the limit.</summary>
    public async Task<bool> TryCountAsync(string userId) =>
        await counter.IncrementAsync(Prefix + userId, Window) <= MaxPerAccount;
}
