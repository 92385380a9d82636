using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Federated.Orders.Carts;

/// <summary>
/// What a conditional line change did (<see cref="CartStore.SetQuantityIfUnchangedAsync"/>):
/// written, not written because another change to the line came first, or not written because
/// a new line would take the cart past its lines.
/// </summary>
public enum LineChange { CartFull = -1, Changed = 0, Applied = 1 }

/// <summary>What claiming a cart for a placement found: see <see cref="CartStore.ClaimPlacementAsync"/>.</summary>
public enum PlacementClaim { Refused = 0, Claimed = 1, Shared = 2 }

/// <summary>The lines of a cart as stored: SKU and quantity, plus the discount code applied.</summary>
public sealed record StoredCart(string Id, IReadOnlyList<(string Sku, int Quantity)> Lines, string? DiscountCode);

/// <summary>
/// Carts in Redis: a hash of SKU to quantity and a string for the discount code, both kept
/// <see cref="Lifetime"/> from the last change. A signed-in shopper's cart is keyed by the
/// account (<c>u.&lt;user id&gt;</c>); a guest's by a random id the client keeps
/// (<c>g.&lt;22 characters&gt;</c>, 128 bits, so it cannot be guessed).
/// </summary>
public sealed partial class CartStore(IConnectionMultiplexer redis, IConfiguration configuration)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);
    public const int MaxQuantityPerLine = 99;
    public const int MaxLines = 100;

    private readonly string _prefix = configuration["Orders:RedisKeyPrefix"] ?? "orders:";

    public static string UserCartId(string userId) => $"u.{userId}";

    public static string NewGuestCartId() => "g." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public static bool IsGuestCartId(string cartId) => GuestCartId().IsMatch(cartId);

    public async Task<StoredCart> GetAsync(string cartId)
    {
        var db = redis.GetDatabase();
        var lines = db.HashGetAllAsync(LinesKey(cartId));
        var code = db.StringGetAsync(CodeKey(cartId));
        await Task.WhenAll(lines, code);
        return new StoredCart(cartId,
            [.. (await lines).Select(e => ((string)e.Name!, (int)e.Value)).OrderBy(l => l.Item1, StringComparer.Ordinal)],
            (await code).IsNullOrEmpty ? null : (string?)await code);
    }

    // Sets the line (HDEL for 0) only if it still holds ARGV[2] units, and renews both keys'
    // lifetime; a new line only while the cart has fewer than ARGV[5] lines (-1 when full).
    private const string SetIfUnchanged = """
        local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if current ~= tonumber(ARGV[2]) then return 0 end
        if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return -1 end
        if tonumber(ARGV[3]) > 0 then redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) else redis.call('HDEL', KEYS[1], ARGV[1]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[4])
        redis.call('PEXPIRE', KEYS[2], ARGV[4])
        return 1
        """;

    /// <summary>
    /// Sets a line's quantity (0 removes it) only if it still holds <paramref name="expected"/>
    /// units, what the caller read and checked, in one atomic step; renews the cart's lifetime.
    /// A new line is added only while the cart has fewer than <see cref="MaxLines"/>, counted in
    /// the same step, so adds of different SKUs at once cannot take it past them.
    /// </summary>
    public async Task<LineChange> SetQuantityIfUnchangedAsync(string cartId, string sku, int expected, int quantity) =>
        (LineChange)(long)await redis.GetDatabase().ScriptEvaluateAsync(SetIfUnchanged, [LinesKey(cartId), CodeKey(cartId)],
            [sku, expected, quantity, (long)Lifetime.TotalMilliseconds, MaxLines]);

    /// <summary>Sets a line's quantity (0 removes it) and renews the cart's lifetime.</summary>
    public Task SetQuantityAsync(string cartId, string sku, int quantity)
    {
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = quantity > 0
            ? transaction.HashSetAsync(LinesKey(cartId), sku, quantity)
            : transaction.HashDeleteAsync(LinesKey(cartId), sku);
        Renew(transaction, cartId);
        return transaction.ExecuteAsync();
    }

    public Task SetDiscountCodeAsync(string cartId, string code)
    {
        var transaction = redis.GetDatabase().CreateTransaction();
        _ = transaction.StringSetAsync(CodeKey(cartId), code);
        Renew(transaction, cartId);
        return transaction.ExecuteAsync();
    }

    // Adds the guest cart's lines (ARGV: max per line, lifetime, then SKU and quantity pairs) to
    // the shopper's, capped per line; takes the guest's code if the shopper has none; deletes the
    // guest cart. KEYS: the shopper's lines and code, the guest's lines and code.
    private const string Merge = """
        local max = tonumber(ARGV[1])
        for i = 3, #ARGV, 2 do
          local total = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0') + tonumber(ARGV[i + 1])
          redis.call('HSET', KEYS[1], ARGV[i], math.min(total, max))
        end
        local code = redis.call('GET', KEYS[4])
        if code then redis.call('SET', KEYS[2], code, 'NX') end
        redis.call('DEL', KEYS[3], KEYS[4])
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return 1
        """;

    /// <summary>
    /// Moves a guest cart's lines into the shopper's own (quantities add up, capped) and deletes
    /// it, in one atomic step: an add to the shopper's cart at the same moment is added to, not overwritten.
    /// </summary>
    public async Task MergeAsync(string guestCartId, string userCartId)
    {
        var guest = await GetAsync(guestCartId);
        if (guest.Lines.Count == 0 && guest.DiscountCode is null)
            return;
        RedisValue[] arguments = [MaxQuantityPerLine, (long)Lifetime.TotalMilliseconds, .. guest.Lines.SelectMany(l => new RedisValue[] { l.Sku, l.Quantity })];
        await redis.GetDatabase().ScriptEvaluateAsync(Merge, [LinesKey(userCartId), CodeKey(userCartId), LinesKey(guestCartId), CodeKey(guestCartId)], arguments);
    }

    // Claims the cart for one placement (KEYS[1], value the idempotency key ARGV[1], for ARGV[2]
    // ms): 1 when it was free, 2 when it is held under the same key, 0 when another key holds it.
    private const string ClaimPlacement = """
        local holder = redis.call('GET', KEYS[1])
        if not holder then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return 1
        end
        if holder == ARGV[1] then return 2 end
        return 0
        """;

    private const string ReleasePlacement = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    /// <summary>
    /// Claims the cart while an order is placed from it under <paramref name="idempotencyKey"/>,
    /// for at most <paramref name="lease"/> (a placement that crashes frees it then).
    /// <see cref="PlacementClaim.Refused"/> when a placement under another key holds it: placing
    /// the same cart twice at once would make two orders of it. Requests under the same key share
    /// the claim (<see cref="PlacementClaim.Shared"/>; the order's key decides between them), and
    /// only the one that made it releases it.
    /// </summary>
    public async Task<PlacementClaim> ClaimPlacementAsync(string cartId, string idempotencyKey, TimeSpan lease) =>
        (PlacementClaim)(long)await redis.GetDatabase().ScriptEvaluateAsync(ClaimPlacement, [PlacingKey(cartId)], [idempotencyKey, (long)lease.TotalMilliseconds]);

    /// <summary>Frees the cart for the next placement, if <paramref name="idempotencyKey"/> still holds it.</summary>
    public Task ReleasePlacementAsync(string cartId, string idempotencyKey) =>
        redis.GetDatabase().ScriptEvaluateAsync(ReleasePlacement, [PlacingKey(cartId)], [idempotencyKey]);

    /// <summary>Empties a cart (after its order was placed).</summary>
    public Task ClearAsync(string cartId) =>
        redis.GetDatabase().KeyDeleteAsync([LinesKey(cartId), CodeKey(cartId)]);

    private void Renew(ITransaction transaction, string cartId)
    {
        _ = transaction.KeyExpireAsync(LinesKey(cartId), Lifetime);
        _ = transaction.KeyExpireAsync(CodeKey(cartId), Lifetime);
    }

    private RedisKey LinesKey(string cartId) => $"{_prefix}cart:{cartId}";

    private RedisKey CodeKey(string cartId) => $"{_prefix}cart:{cartId}:code";

    private RedisKey PlacingKey(string cartId) => $"{_prefix}cart:{cartId}:placing";

    [GeneratedRegex("^g\\.[A-Za-z0-9_-]{22}$")]
    private static partial Regex GuestCartId();
}
