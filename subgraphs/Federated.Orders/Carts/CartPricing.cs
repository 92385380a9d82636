using System.Collections.Concurrent;
using Federated.Kit.Errors;
using Federated.Orders.Catalog;
using Federated.Orders.Checkout;

namespace Federated.Orders.Carts;

public sealed record PricedLine(string Sku, int Quantity, CatalogVariant Variant)
{
    public decimal LineTotal => Variant.Price * Quantity;
}

/// <summary>A cart at the catalog's current prices, with its discount when the code still applies.</summary>
public sealed record PricedCart(string Id, IReadOnlyList<PricedLine> Lines, AppliedDiscount? Discount, string? DiscountCode)
{
    /// <summary>Why the cart's code does not apply to it now (expired, limit reached, minimum not met); null when it does or there is none.</summary>
    public UserError? DiscountError { get; init; }

    public string CurrencyCode => Lines.Count > 0 ? Lines[0].Variant.CurrencyCode : "USD";
    public decimal Subtotal => Lines.Sum(l => l.LineTotal);
    public decimal DiscountAmount => Discount?.Amount ?? 0m;
    public decimal Total => Subtotal - DiscountAmount;
    public int ItemCount => Lines.Sum(l => l.Quantity);
    public int WeightGrams => Lines.Sum(l => l.Variant.WeightGrams * l.Quantity);
}

/// <summary>
/// Prices stored carts from the catalog, never from the client's numbers. Scoped to a request:
/// a variant asked for once (to check stock before a change) is not asked for again when the
/// changed cart is priced, so a cart change costs one catalog call. Variants come with only
/// the details asked for (<see cref="VariantDetails"/>). What a cart is priced at is recorded
/// with it (<see cref="CartStore.SaveTermsAsync"/>): the terms the shopper was last shown,
/// which placing the order goes by (<see cref="PriceAsShownAsync"/>).
/// </summary>
public sealed class CartPricing(CatalogClient catalog, Discounts discounts, CartStore carts)
{
    // Concurrent: a query's root fields run in parallel (two aliased `cart` fields share this
    // request's pricing), and a plain dictionary written by both after their awaits could be corrupted.
    private readonly ConcurrentDictionary<string, (CatalogVariant? Variant, VariantDetails Details)> _known = new(StringComparer.Ordinal);

    private Task<PricedCart?>? _queried;
    private bool _queriedSet;
    private object? _queriedLock;

    /// <summary>
    /// The <c>cart</c> query's answer, worked out once per request by <paramref name="answer"/>:
    /// a query may name the field under thousands of aliases, and each one read the cart, merged
    /// a guest's into it, asked the catalog and evaluated the code, at once (one request of a few
    /// hundred kilobytes, which the gateway's cost limit lets by, asked for thousands of database
    /// connections and catalog calls). Each alias now answers the one cart.
    /// </summary>
    public Task<PricedCart?> QueriedOnceAsync(Func<Task<PricedCart?>> answer) =>
        LazyInitializer.EnsureInitialized(ref _queried, ref _queriedSet, ref _queriedLock, answer)!;

    /// <summary>
    /// The variants the catalog knows among <paramref name="skus"/>, with at least
    /// <paramref name="details"/>, fetching in one call those not yet seen so in this request.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, CatalogVariant>> VariantsAsync(IEnumerable<string> skus, CancellationToken cancellationToken, VariantDetails details = VariantDetails.None)
    {
        // What this call answers is read once here and kept apart, so that another field's
        // call at the same moment, for fewer details, cannot change it in between.
        var answer = new Dictionary<string, CatalogVariant?>(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var sku in skus.Distinct(StringComparer.Ordinal))
        {
            if (_known.TryGetValue(sku, out var known) && (known.Details & details) == details)
                answer[sku] = known.Variant;
            else
                missing.Add(sku);
        }
        if (missing.Count > 0)
        {
            var found = await catalog.VariantsAsync(missing, details, cancellationToken);
            foreach (var sku in missing)
            {
                var variant = found.GetValueOrDefault(sku);
                answer[sku] = variant;
                // A fuller answer another call kept meanwhile stays.
                _known.AddOrUpdate(sku, (variant, details), (_, kept) => (details & kept.Details) == kept.Details ? (variant, details) : kept);
            }
        }
        return answer.Where(a => a.Value is not null).ToDictionary(a => a.Key, a => a.Value!, StringComparer.Ordinal);
    }

    /// <summary>
    /// The cart at the catalog's prices now, recorded as the terms its lines were last priced at
    /// once priced. A pricing that fails records nothing, nor does one not to be shown
    /// (<paramref name="shown"/> false: <see cref="RecordShownAsync"/> records it if it is shown
    /// after all): placing the order goes by the terms recorded, and a shopper told only that a
    /// discount code was refused was shown no price (before, the new prices were recorded
    /// first, and the next order was charged them without <c>PRICE_CHANGED</c>).
    /// </summary>
    public async Task<PricedCart> PriceAsync(StoredCart cart, string? userId, CancellationToken cancellationToken,
        VariantDetails details = VariantDetails.None, bool shown = true)
    {
        var variants = await VariantsAsync(cart.Lines.Select(l => l.Sku), cancellationToken, details);
        var priced = await PriceAtAsync(cart, variants, userId, cancellationToken);
        if (shown)
            await RecordAsync(cart, variants);
        return priced;
    }

    /// <summary>Records the terms of <paramref name="priced"/>, priced from <paramref name="cart"/> not to be shown, as shown after all.</summary>
    public Task RecordShownAsync(StoredCart cart, PricedCart priced) =>
        RecordAsync(cart, priced.Lines.DistinctBy(l => l.Sku, StringComparer.Ordinal).ToDictionary(l => l.Sku, l => l.Variant, StringComparer.Ordinal));

    /// <summary>
    /// The cart at the terms its lines were last priced at for the shopper, each with at least
    /// <paramref name="details"/>: a line recorded without them gets them from the catalog now,
    /// at the terms it was shown at; a line never priced for the shopper is priced from the catalog now.
    /// Whoever relies on these terms has them confirmed: the reservation refuses an order priced
    /// at terms the catalog no longer sells at.
    /// </summary>
    public async Task<PricedCart> PriceAsShownAsync(StoredCart cart, string? userId, CancellationToken cancellationToken, VariantDetails details)
    {
        var shown = cart.Lines.Where(l => cart.Terms.TryGetValue(l.Sku, out var terms) && Has(terms, details))
            .ToDictionary(l => l.Sku, l => cart.Terms[l.Sku], StringComparer.Ordinal);
        var missing = cart.Lines.Where(l => !shown.ContainsKey(l.Sku)).Select(l => l.Sku).ToList();
        if (missing.Count > 0)
        {
            // A line shown at terms recorded without the details asked for (the cart viewed, which
            // asks for no product) keeps the price, currency and weight it was shown at: only the
            // details come from the catalog now, and the reservation confirms the terms still hold.
            var fetched = (await VariantsAsync(missing, cancellationToken, details)).ToDictionary(e => e.Key,
                e => cart.Terms.TryGetValue(e.Key, out var recorded)
                    ? e.Value with { Price = recorded.Price, CurrencyCode = recorded.CurrencyCode, WeightGrams = recorded.WeightGrams }
                    : e.Value, StringComparer.Ordinal);
            await RecordAsync(cart, fetched);
            foreach (var (sku, variant) in fetched)
                shown[sku] = variant;
        }
        return await PriceAtAsync(cart, shown, userId, cancellationToken);
    }

    private static bool Has(CatalogVariant terms, VariantDetails details) =>
        (!details.HasFlag(VariantDetails.Product) || terms.Product is not null) && !details.HasFlag(VariantDetails.Availability);

    /// <summary>Records the terms that differ from what the cart holds; a product already recorded stays when the catalog was not asked for it.</summary>
    private Task RecordAsync(StoredCart cart, IReadOnlyDictionary<string, CatalogVariant> variants)
    {
        var changed = new List<CatalogVariant>();
        foreach (var (sku, _) in cart.Lines)
        {
            if (!variants.TryGetValue(sku, out var variant))
                continue;
            var recorded = cart.Terms.GetValueOrDefault(sku);
            var terms = variant with { QuantityAvailable = null, Product = variant.Product ?? recorded?.Product };
            if (terms != recorded)
                changed.Add(terms);
        }
        return changed.Count == 0 ? Task.CompletedTask : carts.SaveTermsAsync(cart.Id, changed);
    }

    private async Task<PricedCart> PriceAtAsync(StoredCart cart, IReadOnlyDictionary<string, CatalogVariant> variants, string? userId, CancellationToken cancellationToken)
    {
        // A SKU the catalog no longer knows cannot be bought: it drops out of the priced cart.
        var lines = cart.Lines.Where(l => variants.ContainsKey(l.Sku)).Select(l => new PricedLine(l.Sku, l.Quantity, variants[l.Sku])).ToList();
        AppliedDiscount? discount = null;
        UserError? error = null;
        if (cart.DiscountCode is { } code && lines.Count > 0)
            (discount, error) = await discounts.EvaluateAsync(code, lines.Sum(l => l.LineTotal), userId, cancellationToken);
        return new PricedCart(cart.Id, lines, discount, cart.DiscountCode) { DiscountError = error };
    }
}
