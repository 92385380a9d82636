using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Federated.Orders.Catalog;
using Order = Federated.Orders.Data.Order;
using OrderStatus = Federated.Orders.Data.OrderStatus;
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

/// <summary>How a placement ended, for <see cref="CartStore.FinishPlacementAsync"/>.</summary>
public enum PlacementEnd
{
    /// <summary>No order of it stands with its lines in the cart: refused, or its lines out, or placed too long ago to take them out.</summary>
    Settled,
    /// <summary>Its order stands: the claim ends once its lines are out of the cart (the order's mark says so); otherwise it stays, to be looked after.</summary>
    Stood,
}

/// <summary>A claim whose lease ended unfinished (<see cref="CartStore.DuePlacementsAsync"/>): its cart, its key, and its entry's score as Redis wrote it.</summary>
public sealed record DuePlacement(string CartId, string IdempotencyKey, string Score);

/// <summary>The lines of a cart as stored: SKU and quantity, plus the discount code applied.</summary>
public sealed record StoredCart(string Id, IReadOnlyList<(string Sku, int Quantity)> Lines, string? DiscountCode)
{
    /// <summary>
    /// What each line was last priced at for the shopper (price, weight, title, and its product
    /// when it was asked for), by SKU; a line may have none. See <see cref="CartStore.SaveTermsAsync"/>.
    /// </summary>
    public IReadOnlyDictionary<string, CatalogVariant> Terms { get; init; } = new Dictionary<string, CatalogVariant>();
}

/// <summary>
/// Carts in Redis: a hash of SKU to quantity and a string for the discount code, both kept
/// <see cref="Lifetime"/> from the last change, and a hash of SKU to the terms the line was
/// last priced at (<see cref="SaveTermsAsync"/>). A signed-in shopper's cart is keyed by the
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
        var terms = db.HashGetAllAsync(TermsKey(cartId));
        await Task.WhenAll(lines, code, terms);
        return new StoredCart(cartId,
            [.. (await lines).Select(e => ((string)e.Name!, (int)e.Value)).OrderBy(l => l.Item1, StringComparer.Ordinal)],
            (await code).IsNullOrEmpty ? null : (string?)await code)
        {
            Terms = (await terms).Select(e => (Sku: (string)e.Name!, Terms: Deserialize(e.Value)))
                .Where(e => e.Terms is not null).ToDictionary(e => e.Sku, e => e.Terms!, StringComparer.Ordinal),
        };
    }

    /// <summary>Recorded terms, or null when they cannot be read (then the line is priced from the catalog again).</summary>
    private static CatalogVariant? Deserialize(RedisValue value)
    {
        try
        {
            return JsonSerializer.Deserialize<CatalogVariant>((string)value!, Json) is { Sku: not null, Title: not null, CurrencyCode: not null } terms ? terms : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Records what lines were priced at for the shopper (their availability left out: it is no
    /// term), for as long as the cart lives. Placing the order prices it at these terms, what the
    /// shopper was shown, and the catalog's reservation confirms they still hold (a price changed
    /// meanwhile refuses the order): so placing needs no catalog lookup of its own.
    /// </summary>
    public Task SaveTermsAsync(string cartId, IEnumerable<CatalogVariant> variants)
    {
        // One script, as every cart write: Redis refusing writes (out of memory, a replica) refuses
        // it with its reason, which the service answers SERVICE_UNAVAILABLE; a MULTI/EXEC
        // transaction was discarded with EXECABORT, which tells nothing, and was an internal error.
        RedisValue[] arguments = [(long)Lifetime.TotalMilliseconds, .. variants.SelectMany(v => new RedisValue[] { v.Sku, Serialize(v) })];
        return redis.GetDatabase().ScriptEvaluateAsync(SaveTerms, [TermsKey(cartId)], arguments);
    }

    // The cart's keys live Lifetime from the last change: a script that changes the cart renews
    // them with renew(ttl, key, ...), defined here once for every such script.
    private const string Renew = """
        local function renew(ttl, ...)
          for i = 1, select('#', ...) do redis.call('PEXPIRE', select(i, ...), ttl) end
        end

        """;

    // Sets the terms (KEYS[1]) of each SKU in ARGV[2], ARGV[4], ... to the next argument, and renews them for ARGV[1] ms.
    private const string SaveTerms = """
        for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>Forgets every line's terms: the cart is priced from the catalog again when next placed.</summary>
    public Task ForgetTermsAsync(string cartId) => redis.GetDatabase().KeyDeleteAsync(TermsKey(cartId));

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static string Serialize(CatalogVariant variant) => JsonSerializer.Serialize(variant with { QuantityAvailable = null }, Json);

    // Sets the line (HDEL for 0) only if it still holds ARGV[2] units, and renews the keys'
    // lifetime; a new line only while the cart has fewer than ARGV[5] lines (-1 when full). The
    // line's terms (KEYS[3]) become ARGV[6], or go with the line.
    private const string SetIfUnchanged = Renew + """
        local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
        if current ~= tonumber(ARGV[2]) then return 0 end
        if current == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[5]) then return -1 end
        if tonumber(ARGV[3]) > 0 then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
          if ARGV[6] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[6]) end
        else
          redis.call('HDEL', KEYS[1], ARGV[1])
          redis.call('HDEL', KEYS[3], ARGV[1])
        end
        renew(ARGV[4], KEYS[1], KEYS[2], KEYS[3])
        return 1
        """;

    /// <summary>
    /// Sets a line's quantity (0 removes it) only if it still holds <paramref name="expected"/>
    /// units, what the caller read and checked, in one atomic step; renews the cart's lifetime.
    /// A new line is added only while the cart has fewer than <see cref="MaxLines"/>, counted in
    /// the same step, so adds of different SKUs at once cannot take it past them. The line's
    /// <paramref name="terms"/>, when given, are recorded with it (<see cref="SaveTermsAsync"/>).
    /// </summary>
    public async Task<LineChange> SetQuantityIfUnchangedAsync(string cartId, string sku, int expected, int quantity, CatalogVariant? terms = null) =>
        (LineChange)(long)await redis.GetDatabase().ScriptEvaluateAsync(SetIfUnchanged, [LinesKey(cartId), CodeKey(cartId), TermsKey(cartId)],
            [sku, expected, quantity, (long)Lifetime.TotalMilliseconds, MaxLines, terms is null ? "" : Serialize(terms)]);

    /// <summary>
    /// Sets a line's quantity (0 removes it) and renews the cart's lifetime. A quantity is set
    /// only on a line the cart still has: a line removed meanwhile (another tab, a placed order
    /// taking its units) is not brought back, and false is returned.
    /// </summary>
    /// <remarks>
    /// One script: a MULTI/EXEC whose condition is watched (the line's existence) was discarded by
    /// any write to the cart between the watch and the exec (an add of another line from a second
    /// instance), and answered as if the line were gone.
    /// </remarks>
    public async Task<bool> SetQuantityAsync(string cartId, string sku, int quantity) =>
        (long)await redis.GetDatabase().ScriptEvaluateAsync(SetExisting, [LinesKey(cartId), CodeKey(cartId), TermsKey(cartId)],
            [sku, quantity, (long)Lifetime.TotalMilliseconds]) == 1;

    // Sets the line ARGV[1] to ARGV[2] units if the cart (KEYS[1]) has it (0 when not), or takes it
    // and its terms (KEYS[3]) out for 0; renews the cart's keys for ARGV[3] ms.
    private const string SetExisting = Renew + """
        if tonumber(ARGV[2]) > 0 then
          if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        else
          redis.call('HDEL', KEYS[1], ARGV[1])
          redis.call('HDEL', KEYS[3], ARGV[1])
        end
        renew(ARGV[3], KEYS[1], KEYS[2], KEYS[3])
        return 1
        """;

    /// <summary>Applies <paramref name="code"/> to the cart and renews the cart's lifetime, in one script (see <see cref="SetQuantityAsync"/>).</summary>
    public Task SetDiscountCodeAsync(string cartId, string code) =>
        redis.GetDatabase().ScriptEvaluateAsync(SetCode, [CodeKey(cartId), LinesKey(cartId), TermsKey(cartId)], [code, (long)Lifetime.TotalMilliseconds]);

    // Sets the code (KEYS[1]) to ARGV[1] and renews the cart's keys for ARGV[2] ms.
    private const string SetCode = Renew + """
        redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
        renew(ARGV[2], KEYS[2], KEYS[3])
        return 1
        """;

    // Deletes KEYS[1] if it still holds ARGV[1]: a code or a claim taken off only while it is the one there.
    private const string DeleteIfHolds = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    /// <summary>Takes the discount code off the cart, if <paramref name="code"/> is still the one applied (another tab may have applied another meanwhile).</summary>
    public Task DropDiscountCodeAsync(string cartId, string code) =>
        redis.GetDatabase().ScriptEvaluateAsync(DeleteIfHolds, [CodeKey(cartId)], [code]);

    // Moves the guest cart's lines (KEYS[3]) into the shopper's (KEYS[1]): quantities add up,
    // capped at ARGV[1] per line; a new line only while the shopper's cart has fewer than
    // ARGV[3], the rest left in the guest cart for when there is room; a moved line's terms
    // (KEYS[6] to KEYS[5]) when the shopper had no such line (over any terms left without a
    // line: a cart query's record can outlive its line) or its line has none. Takes the guest's code (KEYS[4]) if
    // the shopper has none (KEYS[2]); deletes what it moved. The shopper's cart is renewed only
    // when something moved: a request that moves nothing (no room yet) changes nothing.
    private const string Merge = Renew + """
        local guest = redis.call('HGETALL', KEYS[3])
        local lines = redis.call('HLEN', KEYS[1])
        local moved = 0
        for i = 1, #guest, 2 do
          local current = redis.call('HGET', KEYS[1], guest[i])
          if current or lines < tonumber(ARGV[3]) then
            if not current then lines = lines + 1 end
            moved = moved + 1
            redis.call('HSET', KEYS[1], guest[i], math.min(tonumber(current or '0') + tonumber(guest[i + 1]), tonumber(ARGV[1])))
            redis.call('HDEL', KEYS[3], guest[i])
            local terms = redis.call('HGET', KEYS[6], guest[i])
            if terms then
              if current then redis.call('HSETNX', KEYS[5], guest[i], terms)
              else redis.call('HSET', KEYS[5], guest[i], terms) end
              redis.call('HDEL', KEYS[6], guest[i])
            end
          end
        end
        local code = redis.call('GET', KEYS[4])
        if code then
          redis.call('SET', KEYS[2], code, 'NX')
          redis.call('DEL', KEYS[4])
        end
        if moved > 0 or code then
          renew(ARGV[2], KEYS[1], KEYS[2], KEYS[5])
        end
        return 1
        """;

    /// <summary>
    /// Moves a guest cart's lines into the shopper's own (quantities add up, capped per line) in
    /// one atomic step: an add to either cart at the same moment is added to, not overwritten or
    /// dropped. Lines that would take the shopper's cart past <see cref="MaxLines"/> stay in the
    /// guest cart and move at a later request, once there is room.
    /// </summary>
    public Task MergeAsync(string guestCartId, string userCartId) =>
        redis.GetDatabase().ScriptEvaluateAsync(Merge,
            [LinesKey(userCartId), CodeKey(userCartId), LinesKey(guestCartId), CodeKey(guestCartId), TermsKey(userCartId), TermsKey(guestCartId)],
            [MaxQuantityPerLine, (long)Lifetime.TotalMilliseconds, MaxLines]);

    // Redis's clock in milliseconds, nowms(), for the scripts that score claims by it: one clock
    // every instance reads them by.
    private const string NowMs = """
        local function nowms()
          local now = redis.call('TIME')
          return tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
        end

        """;

    // Claims the cart for one placement (KEYS[1], value the idempotency key ARGV[1], for ARGV[3]
    // ms): 1 when it was free, 2 when it is held under the same key, 0 when another key holds it.
    // A new claim is also entered in the placements to look after (KEYS[2], member ARGV[4]),
    // due ARGV[2] ms from now by Redis's clock (nowms).
    private const string ClaimPlacement = NowMs + """
        local holder = redis.call('GET', KEYS[1])
        if not holder then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[3])
          redis.call('ZADD', KEYS[2], nowms() + tonumber(ARGV[2]), ARGV[4])
          return 1
        end
        if holder == ARGV[1] then return 2 end
        return 0
        """;

    /// <summary>
    /// Claims the cart while an order is placed from it under <paramref name="idempotencyKey"/>.
    /// <see cref="PlacementClaim.Refused"/> when a placement under another key holds it: placing
    /// the same cart twice at once would make two orders of it. Requests under the same key share
    /// the claim (<see cref="PlacementClaim.Shared"/>; the order's key decides between them), and
    /// only the one that made it finishes it (<see cref="FinishPlacementAsync"/>). A claim that
    /// is not finished (its instance died, Redis failed at the end) is looked after once its
    /// <paramref name="lease"/> ends (<see cref="DuePlacementsAsync"/>): its order's lines are
    /// taken out of the cart if the order stands, and the cart freed. Until then the cart takes
    /// no placement under another key; a claim nobody looks after lapses after
    /// <see cref="ReplayTakesOutWithin"/> (past which its lines are left as they are).
    /// </summary>
    public async Task<PlacementClaim> ClaimPlacementAsync(string cartId, string idempotencyKey, TimeSpan lease) =>
        (PlacementClaim)(long)await redis.GetDatabase().ScriptEvaluateAsync(ClaimPlacement, [PlacingKey(cartId), PlacementsKey],
            [idempotencyKey, (long)lease.TotalMilliseconds, (long)(lease > ReplayTakesOutWithin ? lease : ReplayTakesOutWithin).TotalMilliseconds,
             PlacementMember(cartId, idempotencyKey)]);

    // Ends a claim (KEYS[1], if ARGV[1] still holds it) and its entry (KEYS[2], member ARGV[2]),
    // unless ARGV[3] is 'stood' and the order's lines were not taken out of the cart (no mark,
    // KEYS[3]): then both stay, for whoever looks after it. With ARGV[4], only while the entry
    // still has that score: a claim made again under the same key since it came due is left alone.
    private const string FinishPlacement = """
        if ARGV[3] == 'stood' and redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
        if ARGV[4] and redis.call('ZSCORE', KEYS[2], ARGV[2]) ~= ARGV[4] then return 0 end
        redis.call('ZREM', KEYS[2], ARGV[2])
        if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
        return 1
        """;

    /// <summary>Ends the claim <paramref name="idempotencyKey"/> made on the cart, as <paramref name="end"/> says (<paramref name="orderId"/> the order that stood, for <see cref="PlacementEnd.Stood"/>).</summary>
    public Task FinishPlacementAsync(string cartId, string idempotencyKey, PlacementEnd end, string? orderId = null) =>
        redis.GetDatabase().ScriptEvaluateAsync(FinishPlacement, [PlacingKey(cartId), PlacementsKey, TakenKey(orderId ?? "")],
            [idempotencyKey, PlacementMember(cartId, idempotencyKey), end == PlacementEnd.Stood ? "stood" : "settled"]);

    /// <summary>Ends a claim <see cref="DuePlacementsAsync"/> found due, unless it was made again since (its entry's score changed).</summary>
    public Task FinishDuePlacementAsync(DuePlacement due) =>
        redis.GetDatabase().ScriptEvaluateAsync(FinishPlacement, [PlacingKey(due.CartId), PlacementsKey, TakenKey("")],
            [due.IdempotencyKey, PlacementMember(due.CartId, due.IdempotencyKey), "settled", due.Score]);

    // Up to ARGV[1] placements whose lease has ended by Redis's clock (KEYS[1]), with their scores.
    private const string DuePlacements = NowMs + """
        return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', nowms(), 'WITHSCORES', 'LIMIT', 0, ARGV[1])
        """;

    /// <summary>
    /// Up to <paramref name="count"/> claims whose lease ended without their placement finishing
    /// them, oldest first: each one's cart, idempotency key and entry score. The caller looks
    /// after each and finishes it (<see cref="FinishDuePlacementAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<DuePlacement>> DuePlacementsAsync(int count)
    {
        var due = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(DuePlacements, [PlacementsKey], [count]))!;
        var placements = new List<DuePlacement>(due.Length / 2);
        for (var i = 0; i + 1 < due.Length; i += 2)
        {
            var member = (string)due[i]!;
            var space = member.IndexOf(' ', StringComparison.Ordinal);
            placements.Add(space > 0
                ? new DuePlacement(member[..space], member[(space + 1)..], (string)due[i + 1]!)
                : new DuePlacement(member, "", (string)due[i + 1]!));
        }
        return placements;
    }

    /// <summary>A claim's entry: the cart id (which has no space) and the key, as one string.</summary>
    private static string PlacementMember(string cartId, string idempotencyKey) => $"{cartId} {idempotencyKey}";

    // Takes an order's units (ARGV[5..]: SKU and quantity pairs) out of the lines, once per order:
    // KEYS[4] marks it done (a hash, for ARGV[3] ms). A line left at 0 goes with its terms
    // (KEYS[3]); the code ARGV[1] goes if it is still the one applied; what is left lives ARGV[2]
    // ms from now. With ARGV[4] = '1' the mark also records what the step took, for
    // RestoreOrdered: 'q:<sku>' the units it found (at most those ordered), 't:<sku>' the terms
    // the line was priced at, 'c' the code. 1 when taken out, 0 when it was already.
    private const string RemoveOrdered = Renew + """
        if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
        local detail = ARGV[4] == '1'
        redis.call('HSET', KEYS[4], '', '1')
        for i = 5, #ARGV, 2 do
          local current = tonumber(redis.call('HGET', KEYS[1], ARGV[i]) or '0')
          local left = current - tonumber(ARGV[i + 1])
          if detail and current > 0 then
            redis.call('HSET', KEYS[4], 'q:' .. ARGV[i], math.min(current, tonumber(ARGV[i + 1])))
            local terms = redis.call('HGET', KEYS[3], ARGV[i])
            if terms then redis.call('HSET', KEYS[4], 't:' .. ARGV[i], terms) end
          end
          if left > 0 then
            redis.call('HSET', KEYS[1], ARGV[i], left)
          else
            redis.call('HDEL', KEYS[1], ARGV[i])
            redis.call('HDEL', KEYS[3], ARGV[i])
          end
        end
        if ARGV[1] ~= '' and redis.call('GET', KEYS[2]) == ARGV[1] then
          redis.call('DEL', KEYS[2])
          if detail then redis.call('HSET', KEYS[4], 'c', ARGV[1]) end
        end
        redis.call('PEXPIRE', KEYS[4], ARGV[3])
        renew(ARGV[2], KEYS[1], KEYS[2], KEYS[3])
        return 1
        """;

    /// <summary>
    /// How long the mark that an order's units left the cart lasts (<see cref="TakeOutAsync"/>)
    /// for an order whose 3-D Secure challenge is out: it is answered or expires within a
    /// quarter of an hour, and a settlement held up by an outage puts the units back well within a day.
    /// </summary>
    public static readonly TimeSpan ChallengeMarkLifetime = TimeSpan.FromDays(1);

    /// <summary>
    /// How long the mark lasts for any other order: a replay of its placement (the same key, its
    /// answer lost) comes within minutes, and one placed less than <see cref="ReplayTakesOutWithin"/>
    /// ago whose mark is missing never had its units taken out.
    /// </summary>
    public static readonly TimeSpan MarkLifetime = TimeSpan.FromMinutes(15);

    /// <summary>See <see cref="MarkLifetime"/>: a replay of an order placed longer ago leaves the cart alone.</summary>
    public static readonly TimeSpan ReplayTakesOutWithin = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Takes what <paramref name="order"/> was placed with out of its customer's cart, in one
    /// atomic step and once per order (a replay of its placement, or the sweep, finding it done
    /// changes nothing): its units and its discount code. Whatever was added while it was being
    /// placed (another tab, another device) was not ordered, so it stays. For an order that may
    /// yet fail (its 3-D Secure challenge is out), the step also records what it took, so that
    /// <see cref="RestoreOrderedAsync"/> puts back exactly that. True when taken out now, false
    /// when that was done before.
    /// </summary>
    public async Task<bool> TakeOutAsync(Order order)
    {
        var challenged = order.Status == OrderStatus.PaymentActionRequired;
        var cartId = UserCartId(order.UserId);
        return (long)await redis.GetDatabase().ScriptEvaluateAsync(RemoveOrdered, [LinesKey(cartId), CodeKey(cartId), TermsKey(cartId), TakenKey(order.Id)],
            [order.DiscountCode ?? "", (long)Lifetime.TotalMilliseconds, (long)(challenged ? ChallengeMarkLifetime : MarkLifetime).TotalMilliseconds, challenged ? "1" : "0",
             .. order.Lines.SelectMany(l => new RedisValue[] { l.Sku, l.Quantity })]) == 1;
    }

    /// <summary>
    /// Which of <paramref name="orderIds"/> have no mark that their lines left the cart
    /// (<see cref="TakeOutAsync"/>): standing orders placed within <see cref="ReplayTakesOutWithin"/>
    /// whose lines never did (the mark outlives that).
    /// </summary>
    public async Task<IReadOnlyList<string>> NotTakenOutAsync(IReadOnlyList<string> orderIds)
    {
        var db = redis.GetDatabase();
        var marked = await Task.WhenAll(orderIds.Select(id => db.KeyExistsAsync(TakenKey(id))));
        return [.. orderIds.Where((_, i) => !marked[i])];
    }

    /// <summary>
    /// How long ago the cart's lines last changed (an add, a change, a code, a merge, a take-out:
    /// each renews them for <see cref="Lifetime"/>), by Redis's count; null for a cart with no lines.
    /// </summary>
    public async Task<TimeSpan?> SinceLinesChangedAsync(string cartId) =>
        await redis.GetDatabase().KeyTimeToLiveAsync(LinesKey(cartId)) is { } left ? Lifetime - left : null;

    // Puts back what RemoveOrdered marked it took (KEYS[4]), once: the mark keeps only that it
    // was put back ('r'), for the rest of its life, so that a take-out of the order that comes
    // late (a placement that stalled before its own, a replay read before the failure) finds it
    // done and does not empty the cart again. The units add up, capped at ARGV[2] a line; a new
    // line only while the cart has fewer than ARGV[3]; a line gets back the terms it was priced
    // at unless it is still in the cart with terms of its own; the code comes back if the cart has none. The cart lives ARGV[1]
    // ms from now. 1 when put back, 0 when there was nothing to put back (already put back, or
    // never taken out: then the mark is made, put back, for ARGV[4] ms, so that a take-out that
    // comes late does not take out of the cart what a failed order never got).
    private const string RestoreOrdered = Renew + """
        local taken = redis.call('HGETALL', KEYS[4])
        if #taken == 0 then
          redis.call('HSET', KEYS[4], '', '1', 'r', '1')
          redis.call('PEXPIRE', KEYS[4], ARGV[4])
          return 0
        end
        local marks = {}
        for i = 1, #taken, 2 do marks[taken[i]] = taken[i + 1] end
        if marks['r'] then return 0 end
        for field, _ in pairs(marks) do
          if field ~= '' then redis.call('HDEL', KEYS[4], field) end
        end
        redis.call('HSET', KEYS[4], 'r', '1')
        local lines = redis.call('HLEN', KEYS[1])
        for field, units in pairs(marks) do
          if string.sub(field, 1, 2) == 'q:' then
            local sku = string.sub(field, 3)
            local current = redis.call('HGET', KEYS[1], sku)
            if current or lines < tonumber(ARGV[3]) then
              if not current then lines = lines + 1 end
              redis.call('HSET', KEYS[1], sku, math.min(tonumber(current or '0') + tonumber(units), tonumber(ARGV[2])))
              if marks['t:' .. sku] then
                if current then redis.call('HSETNX', KEYS[3], sku, marks['t:' .. sku])
                else redis.call('HSET', KEYS[3], sku, marks['t:' .. sku]) end
              end
            end
          end
        end
        if marks['c'] then redis.call('SET', KEYS[2], marks['c'], 'NX') end
        renew(ARGV[1], KEYS[1], KEYS[2], KEYS[3])
        return 1
        """;

    /// <summary>
    /// Puts back into the cart what an order that did not stand took out of it (a 3-D Secure
    /// challenge the shopper failed, or gave up on by cancelling, after its lines left the
    /// cart; added to what the cart holds by then), once for the order
    /// however often it is asked (inline, and by its durable settlement): the shopper can try
    /// again with the cart as it was, at the terms its lines were shown at (placing it again
    /// goes by them, and the reservation confirms they hold). What comes back is what
    /// <see cref="TakeOutAsync"/> marked it took: units another tab took out of the line
    /// meanwhile are not put back, and when Redis failed to take anything out, nothing is put
    /// back twice.
    /// </summary>
    public Task RestoreOrderedAsync(string cartId, string orderId) =>
        redis.GetDatabase().ScriptEvaluateAsync(RestoreOrdered, [LinesKey(cartId), CodeKey(cartId), TermsKey(cartId), TakenKey(orderId)],
            [(long)Lifetime.TotalMilliseconds, MaxQuantityPerLine, MaxLines, (long)ChallengeMarkLifetime.TotalMilliseconds]);

    private RedisKey LinesKey(string cartId) => $"{_prefix}cart:{cartId}";

    private RedisKey CodeKey(string cartId) => $"{_prefix}cart:{cartId}:code";

    private RedisKey TermsKey(string cartId) => $"{_prefix}cart:{cartId}:terms";

    private RedisKey PlacingKey(string cartId) => $"{_prefix}cart:{cartId}:placing";

    private RedisKey TakenKey(string orderId) => $"{_prefix}cart:taken:{orderId}";

    /// <summary>Claims to look after when their lease ends: a sorted set of cart and key, scored by when (ms, Redis's clock).</summary>
    private RedisKey PlacementsKey => $"{_prefix}cart:placements";

    [GeneratedRegex("^g\\.[A-Za-z0-9_-]{22}\\z")]
    private static partial Regex GuestCartId();
}
