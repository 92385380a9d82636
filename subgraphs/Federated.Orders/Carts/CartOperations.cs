using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Orders.Catalog;
using Federated.Orders.Checkout;
using GraphQL;
using GraphQL.Types;

namespace Federated.Orders.Carts;

/// <summary>The cart query and mutations.</summary>
public static class CartOperations
{
    public const string CartNotFound = "CART_NOT_FOUND";
    public const string LineNotFound = "CART_LINE_NOT_FOUND";
    public const string VariantNotFound = "VARIANT_NOT_FOUND";
    public const string InsufficientStock = "INSUFFICIENT_STOCK";
    public const string InvalidQuantity = "INVALID_QUANTITY";
    public const string TooManyLines = "CART_FULL";
    public const string CartChanged = "CART_CHANGED";
    public const string PricingUnavailable = "CART_PRICING_UNAVAILABLE";
    public const string ChangeUnconfirmed = "CART_CHANGE_UNCONFIRMED";

    /// <summary>The longest SKU an order line holds (the catalog's are at most 40 characters): a longer one names no variant.</summary>
    public const int MaxSkuLength = 64;

    // An add that loses the race for its line to another change reads it again, up to this many times.
    private const int MaxAddAttempts = 25;

    /// <summary>The request header a guest names its cart in (API.md).</summary>
    public const string CartHeader = "X-Cart-Id";

    public static void AddQueriesTo(ObjectGraphType query) =>
        query.Field<CartType>("cart")
            .Description($"Signed in: the account's cart (a guest cart named in {CartHeader} is merged into it). A guest: the cart named in {CartHeader}; null without one.")
            .ResolveAsync(async ctx => await ctx.RequestServices!.GetRequiredService<CartPricing>().QueriedOnceAsync(async () =>
            {
                var cartId = await ResolveCartIdAsync(ctx);
                return cartId is null ? null : await PricedAsync(ctx, cartId);
            }));

    public static void AddMutationsTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<CartPayloadType>>("addToCart")
            .Description($"Adds units of a variant; a guest without a cart gets a new one: send its id in {CartHeader} from then on.")
            .Argument<NonNullGraphType<AddToCartInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<AddToCartInput>("input");
                if (input.Quantity is < 1 or > CartStore.MaxQuantityPerLine)
                    return CartPayload.Failed(new UserError(InvalidQuantity, $"'quantity' must be 1 to {CartStore.MaxQuantityPerLine}.", ["input", "quantity"]));
                // Not asked of the catalog: a SKU of megabytes would be refused there as a request too large.
                if (input.Sku.Length is 0 or > MaxSkuLength)
                    return CartPayload.Failed(new UserError(VariantNotFound, $"There is no variant with this SKU: SKUs have 1 to {MaxSkuLength} characters.", ["input", "sku"]));
                var named = await ResolveCartIdAsync(ctx);
                var cartId = named ?? CartStore.NewGuestCartId();
                // Adds on top of what the line holds when the change is written: a change that
                // came first (the same shopper adding from two devices at once) is read again
                // and added to, never overwritten.
                for (var attempt = 1; attempt <= MaxAddAttempts; attempt++)
                {
                    var cart = await Store(ctx).GetAsync(cartId);
                    var current = cart.Lines.Where(l => l.Sku == input.Sku).Sum(l => l.Quantity);
                    if (current == 0 && cart.Lines.Count >= CartStore.MaxLines)
                        return CartFull();
                    if (await SetQuantityAsync(ctx, cart, input.Sku, current + input.Quantity, ["input", "quantity"], "sku", expected: current, created: named is null) is { } payload)
                        return payload;
                }
                return CartPayload.Failed(new UserError(CartChanged, "The cart kept changing meanwhile; try again.", ["input"]));
            });

        mutation.Field<NonNullGraphType<CartPayloadType>>("updateCartLine")
            .Argument<NonNullGraphType<UpdateCartLineInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<UpdateCartLineInput>("input");
                if (input.Quantity is < 0 or > CartStore.MaxQuantityPerLine)
                    return CartPayload.Failed(new UserError(InvalidQuantity, $"'quantity' must be 0 to {CartStore.MaxQuantityPerLine}.", ["input", "quantity"]));
                if (await ExistingLineCartAsync(ctx, input.LineId) is not { } cart)
                    return LineGone();
                // Sets the quantity asked for: the last change wins, as the shopper expects of "set
                // to", but a line removed meanwhile stays removed.
                return (await SetQuantityAsync(ctx, cart, input.LineId, input.Quantity, ["input", "quantity"], "lineId"))!;
            });

        mutation.Field<NonNullGraphType<CartPayloadType>>("removeCartLine")
            .Argument<NonNullGraphType<RemoveCartLineInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<RemoveCartLineInput>("input");
                if (await ExistingLineCartAsync(ctx, input.LineId) is not { } cart)
                    return LineGone();
                await Store(ctx).SetQuantityAsync(cart.Id, input.LineId, 0);
                return await ChangedAsync(ctx, cart.Id);
            });

        mutation.Field<NonNullGraphType<CartPayloadType>>("applyDiscountCode")
            .Argument<NonNullGraphType<ApplyDiscountCodeInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                var input = ctx.GetArgument<ApplyDiscountCodeInput>("input");
                if (await ResolveCartIdAsync(ctx) is not { } cartId)
                    return CartPayload.Failed(new UserError(CartNotFound, "Add something to the cart first.", ["input"]));
                // Priced not to be shown: a refused code answers with no cart, so no price is shown.
                var stored = await Store(ctx).GetAsync(cartId);
                var pricing = ctx.RequestServices!.GetRequiredService<CartPricing>();
                var cart = await pricing.PriceAsync(stored, ctx.CurrentUser().Id, ctx.CancellationToken, shown: false);
                if (cart.Lines.Count == 0)
                    return CartPayload.Failed(new UserError(CartNotFound, "Add something to the cart first.", ["input"]));
                var (applied, error) = await ctx.RequestServices!.GetRequiredService<Discounts>()
                    .EvaluateAsync(input.Code, cart.Subtotal, ctx.CurrentUser().Id, ctx.CancellationToken);
                if (error is not null)
                    return CartPayload.Failed(error);
                var code = Discounts.Normalize(input.Code);
                await Store(ctx).SetDiscountCodeAsync(cartId, code);
                await pricing.RecordShownAsync(stored, cart);
                // The code was just evaluated against this very cart: no second evaluation.
                return new CartPayload(cart with { Discount = applied, DiscountCode = code }, []);
            });
    }

    /// <summary>
    /// The cart a request works on. Signed in: the account's cart, after merging the guest cart
    /// named in <see cref="CartHeader"/>. A guest: that one, or null when none is named (an add then starts one).
    /// Only guest ids are accepted from clients, so nobody can name another account's cart.
    /// </summary>
    public static async Task<string?> ResolveCartIdAsync(IResolveFieldContext ctx)
    {
        var header = ctx.RequestServices!.GetRequiredService<IHttpContextAccessor>().HttpContext?.Request.Headers[CartHeader].ToString();
        var cartId = string.IsNullOrWhiteSpace(header) ? null : header.Trim();
        var user = ctx.CurrentUser();
        // A client that sends back the Cart.id it was given, signed in, names the account's own
        // cart. An account's cart id sent by anyone else (most often by the same client after
        // signing out, still sending the id it was last given) names nothing the caller may use:
        // it is as if no cart were named, where it was an error on every cart operation until
        // the client dropped the header. Nothing of that cart is read.
        if (cartId is not null && cartId.StartsWith(CartStore.UserCartId(""), StringComparison.Ordinal))
            cartId = null;
        if (cartId is not null && !CartStore.IsGuestCartId(cartId))
            throw new GraphQLFailure(CartNotFound, "There is no cart with this id.");
        if (user.Id is { } userId)
        {
            var own = CartStore.UserCartId(userId);
            if (cartId is not null)
                await Store(ctx).MergeAsync(cartId, own);
            return own;
        }
        return cartId;
    }

    public static async Task<PricedCart> PricedAsync(IResolveFieldContext ctx, string cartId) =>
        await ctx.RequestServices!.GetRequiredService<CartPricing>()
            .PriceAsync(await Store(ctx).GetAsync(cartId), ctx.CurrentUser().Id, ctx.CancellationToken);

    /// <summary>The cart at the terms the shopper was last shown (<see cref="CartPricing.PriceAsShownAsync"/>), recording none anew.</summary>
    public static async Task<PricedCart> PricedAsShownAsync(IResolveFieldContext ctx, string cartId) =>
        await ctx.RequestServices!.GetRequiredService<CartPricing>()
            .PriceAsShownAsync(await Store(ctx).GetAsync(cartId), ctx.CurrentUser().Id, ctx.CancellationToken, VariantDetails.None);

    private static CartStore Store(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<CartStore>();

    /// <summary>The request's cart as read now, if it has the line.</summary>
    private static async Task<StoredCart?> ExistingLineCartAsync(IResolveFieldContext ctx, string lineId)
    {
        if (await ResolveCartIdAsync(ctx) is not { } id)
            return null;
        var cart = await Store(ctx).GetAsync(id);
        return cart.Lines.Any(l => l.Sku == lineId) ? cart : null;
    }

    private static CartPayload CartFull() =>
        CartPayload.Failed(new UserError(TooManyLines, $"A cart holds at most {CartStore.MaxLines} lines.", ["input", "sku"]));

    private static CartPayload LineGone() => CartPayload.Failed(new UserError(LineNotFound, "The cart has no such line.", ["input", "lineId"]));

    /// <summary>
    /// Sets a line of <paramref name="cart"/>, as the caller read it, after checking the variant
    /// exists and has the units available. With <paramref name="expected"/>, only if the line
    /// still holds that many units: null when another change came first. A variant that does not
    /// exist is reported on <paramref name="skuField"/>, the input field that named it.
    /// </summary>
    private static async Task<CartPayload?> SetQuantityAsync(IResolveFieldContext ctx, StoredCart cart, string sku, int quantity, string[] field, string skuField,
        int? expected = null, bool created = false)
    {
        var cartId = cart.Id;
        CatalogVariant? terms = null;
        if (quantity > 0)
        {
            // The cart's other lines (as the caller read it) are fetched in the same call: pricing the changed cart needs them.
            // With their products, so that the terms recorded for the lines are all placing the order needs.
            var variants = await ctx.RequestServices!.GetRequiredService<CartPricing>()
                .VariantsAsync(cart.Lines.Select(l => l.Sku).Append(sku), ctx.CancellationToken, VariantDetails.Availability | VariantDetails.Product);
            if (!variants.TryGetValue(sku, out var variant))
                return CartPayload.Failed(new UserError(VariantNotFound, $"There is no variant '{sku}'.", ["input", skuField]));
            if (quantity > CartStore.MaxQuantityPerLine)
                return CartPayload.Failed(new UserError(InvalidQuantity, $"A line holds at most {CartStore.MaxQuantityPerLine} units.", field));
            if (variant.QuantityAvailable is not { } available)
                throw new InvalidOperationException($"'{sku}' was looked up without its availability.");
            if (quantity > available)
                return CartPayload.Failed(new UserError(InsufficientStock,
                    available == 0 ? $"'{variant.Title}' is out of stock." : $"Only {available} of '{variant.Title}' available.", field));
            terms = variant;
        }
        if (expected is { } unchanged)
        {
            LineChange change;
            try
            {
                change = await Store(ctx).SetQuantityIfUnchangedAsync(cartId, sku, unchanged, quantity, terms);
            }
            catch (Exception ex) when (!created && ErrorCodes.SentButUnanswered(ex))
            {
                // Sent and not answered in time: Redis may still run it (it was stalled, not
                // down), so "try again" (SERVICE_UNAVAILABLE, as it was) added the units twice.
                return CartPayload.Failed(new UserError(ChangeUnconfirmed,
                    "The change was sent to the cart but not confirmed, and may yet be made: look at the cart before repeating it.", ["input"]));
            }
            switch (change)
            {
                case LineChange.Changed:
                    return null;
                case LineChange.CartFull:
                    return CartFull();
            }
        }
        else if (!await Store(ctx).SetQuantityAsync(cartId, sku, quantity))
            return LineGone();
        return await ChangedAsync(ctx, cartId, created);
    }

    /// <summary>
    /// The answer to a change of the cart that was written: the cart priced. When it cannot be
    /// priced now (the catalog, Redis, or the database the discount code is checked in, out of reach),
    /// the change stands, and the answer says so with its own code: the store's failure after
    /// the write was answered SERVICE_UNAVAILABLE, which clients retry, and each retry of an add
    /// added its units again. Except for a guest cart <paramref name="created"/> by this change:
    /// the answer is the only place its id is given, so the failure is thrown as it is, and a
    /// retry starts another cart.
    /// </summary>
    private static async Task<CartPayload> ChangedAsync(IResolveFieldContext ctx, string cartId, bool created = false)
    {
        try
        {
            return new CartPayload(await PricedAsync(ctx, cartId), []);
        }
        catch (Exception ex) when (!created && (ex is GraphQLFailure { Code: CatalogClient.Unavailable } || ErrorCodes.IsStoreUnavailable(ex)))
        {
            return CartPayload.Failed(new UserError(PricingUnavailable,
                "The cart was changed, but it cannot be priced now: do not repeat the change; look at the cart again shortly.", ["input"]));
        }
    }
}
