using System.Net;
using Federated.Kit.Errors;
using StackExchange.Redis;

namespace Federated.Users.Accounts;

/// <summary>
/// Counters in Redis over a fixed window that starts with the first count: the one mechanism
/// behind the sign-in and registration throttles.
/// </summary>
public sealed class FixedWindowCounter(IConnectionMultiplexer redis)
{
    // INCR and set the window on the first count, atomically.
    private const string Increment = """
        local n = redis.call('INCR', KEYS[1])
        if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
        return n
        """;

    /// <summary>
    /// Adds one to the key's count and returns the new count. A count sent but not answered in
    /// time (Redis stalled, not down) may still be made once Redis goes on, though the attempt
    /// it counted was answered SERVICE_UNAVAILABLE and its password never checked: its give-back
    /// is sent after it, on the same connection, so the two cancel out. Before, every attempt
    /// of a stall counted once Redis came back, and a shopper who pressed "sign in" five times
    /// during it was locked out for 15 minutes afterwards.
    /// </summary>
    public async Task<long> IncrementAsync(RedisKey key, TimeSpan window)
    {
        try
        {
            return (long)await redis.GetDatabase().ScriptEvaluateAsync(Increment, [key], [(long)window.TotalMilliseconds]);
        }
        catch (Exception ex) when (ErrorCodes.SentButUnanswered(ex))
        {
            _ = GiveBackAsync(key).ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw;
        }
    }

    public Task ResetAsync(RedisKey key) => redis.GetDatabase().KeyDeleteAsync(key);

    // DECR only a count still in its window: a key that expired is not brought back without one.
    private const string Decrement = """
        if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('DECR', KEYS[1]) end
        return 0
        """;

    /// <summary>Takes one off the key's count, if its window is still open.</summary>
    public Task GiveBackAsync(RedisKey key) => redis.GetDatabase().ScriptEvaluateAsync(Decrement, [key]);

    /// <summary>
    /// The key of a client address under a throttle's prefix. An IPv6 client counts by its /64
    /// network, the smallest block a subscriber is given: keyed by the whole address, it could send
    /// each attempt from a new one and never be counted twice (found by a review). An IPv4
    /// address written as IPv6 (<c>::ffff:192.0.2.1</c>) counts as itself.
    /// </summary>
    public static RedisKey AddressKey(string prefix, IPAddress? address)
    {
        if (address is { IsIPv4MappedToIPv6: true })
            address = address.MapToIPv4();
        if (address is { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 })
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return $"{prefix}address:{new IPAddress(bytes)}/64";
        }
        return $"{prefix}address:{address?.ToString() ?? "unknown"}";
    }
}
