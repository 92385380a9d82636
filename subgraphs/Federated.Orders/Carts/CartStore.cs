using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Federated.Orders.Carts;

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

    /// <summary>Moves a guest cart's lines into the shopper's own (quantities add up, capped) and deletes it.</summary>
    public async Task MergeAsync(string guestCartId, string userCartId)
    {
        var guest = await GetAsync(guestCartId);
        if (guest.Lines.Count == 0 && guest.DiscountCode is null)
            return;
        var mine = await GetAsync(userCartId);
        var transaction = redis.GetDatabase().CreateTransaction();
        foreach (var (sku, quantity) in guest.Lines)
        {
            var total = Math.Min(MaxQuantityPerLine, quantity + mine.Lines.Where(l => l.Sku == sku).Sum(l => l.Quantity));
            _ = transaction.HashSetAsync(LinesKey(userCartId), sku, total);
        }
        if (mine.DiscountCode is null && guest.DiscountCode is not null)
            _ = transaction.StringSetAsync(CodeKey(userCartId), guest.DiscountCode);
        _ = transaction.KeyDeleteAsync([LinesKey(guestCartId), CodeKey(guestCartId)]);
        Renew(transaction, userCartId);
        await transaction.ExecuteAsync();
    }

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

    [GeneratedRegex("^g\\.[A-Za-z0-9_-]{22}$")]
    private static partial Regex GuestCartId();
}
