using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Kit.Types;

namespace Federated.Orders.Catalog;

/// <summary>
/// A variant as the catalog prices it now; the units available and its product when they were
/// asked for (<see cref="VariantDetails"/>), null otherwise.
/// </summary>
public sealed record CatalogVariant(string Sku, string Title, decimal Price, string CurrencyCode, int? QuantityAvailable, int WeightGrams, CatalogProduct? Product);

/// <summary>
/// What a variant lookup asks beyond price, title and weight; each costs the catalog a query.
/// A cart change checks the units available; an order records the product's id and name, and
/// leaves availability to the reservation, which decides it under lock.
/// </summary>
[Flags]
public enum VariantDetails
{
    None = 0,
    Availability = 1,
    Product = 2,
}

/// <summary>The product a variant belongs to, as an order line records it.</summary>
public sealed record CatalogProduct(string Id, string Name);

/// <summary>
/// The catalog subgraph, called directly (not through the gateway) with a service token:
/// current prices and stock of variants, and the inventory operations that are internal
/// (<c>@inaccessible</c>) to the graph. Orders never reads the catalog's database.
/// </summary>
public sealed class CatalogClient(HttpClient http, ServiceTokenIssuer tokens)
{
    public const string Unavailable = "CATALOG_UNAVAILABLE";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Variants by SKU in one call, with <paramref name="details"/>; unknown SKUs are absent.</summary>
    public async Task<IReadOnlyDictionary<string, CatalogVariant>> VariantsAsync(IReadOnlyCollection<string> skus, VariantDetails details, CancellationToken cancellationToken)
    {
        if (skus.Count == 0)
            return new Dictionary<string, CatalogVariant>();
        var data = await PostAsync(VariantQueries[(int)details],
            new { r = skus.Select(sku => new { __typename = "ProductVariant", sku }) }, cancellationToken);
        var result = new Dictionary<string, CatalogVariant>(skus.Count);
        foreach (var entity in data.GetProperty("_entities").EnumerateArray())
        {
            if (entity.ValueKind != JsonValueKind.Object)
                continue;
            var variant = entity.Deserialize<VariantData>(Json)!;
            // In cents with two decimals, whatever zeros a price was stored with ("19.990" before the twentieth session).
            result[variant.Sku] = new CatalogVariant(variant.Sku, variant.Title,
                Money.Cents(decimal.Parse(variant.Price.Amount, System.Globalization.CultureInfo.InvariantCulture)),
                variant.Price.CurrencyCode, variant.QuantityAvailable, variant.WeightGrams, variant.Product is { } product ? new CatalogProduct(product.Id, product.Name) : null);
        }
        return result;
    }

    /// <summary>The variant lookup for each combination of <see cref="VariantDetails"/>, by its value.</summary>
    private static readonly string[] VariantQueries = [.. Enumerable.Range(0, 4).Select(d => $$"""
        query($r: [_Any!]!) { _entities(representations: $r) { ... on ProductVariant { sku title price { amount currencyCode } weightGrams{{
            (((VariantDetails)d).HasFlag(VariantDetails.Availability) ? " quantityAvailable" : "")}}{{
            (((VariantDetails)d).HasFlag(VariantDetails.Product) ? " product { id name }" : "")}} } } }
        """)];

    public const string OutOfStock = "OUT_OF_STOCK";
    public const string PriceChanged = "PRICE_CHANGED";
    public const string VariantNotFound = "VARIANT_NOT_FOUND";
    public const string ReservationReleased = "RESERVATION_RELEASED";
    public const string ReservationCommitted = "RESERVATION_COMMITTED";

    /// <summary>
    /// Holds stock for every line of an order, or for none: where the units are held then, as
    /// (SKU, fulfillment center, quantity), or why nothing was held: a shortage
    /// (<see cref="OutOfStock"/>), a line whose variant sells at other terms than its
    /// <c>PricedAs</c> (<see cref="PriceChanged"/>) or no longer exists (<see cref="VariantNotFound"/>),
    /// or an order released before it was held (<see cref="ReservationReleased"/>), with the catalog's messages.
    /// </summary>
    public async Task<(IReadOnlyList<(string Sku, string Center, int Quantity)>? Held, UserError? Refusal)> ReserveAsync(
        string orderId, IReadOnlyList<(string Sku, int Quantity, CatalogVariant? PricedAs)> lines, IReadOnlyList<string> preferredCenters, CancellationToken cancellationToken)
    {
        var data = await PostAsync("""
            mutation($input: ReserveStockInput!) {
              reserveStock(input: $input) { reservation { status lines { sku fulfillmentCenter quantity } } errors { code message field } }
            }
            """, new
            {
                input = new
                {
                    orderId,
                    lines = lines.Select(l => new
                    {
                        sku = l.Sku,
                        quantity = l.Quantity,
                        pricedAs = l.PricedAs is { } terms
                            ? new { price = terms.Price.ToString(System.Globalization.CultureInfo.InvariantCulture), currencyCode = terms.CurrencyCode, weightGrams = terms.WeightGrams }
                            : null,
                    }),
                    preferredCenters,
                },
            }, cancellationToken);
        var payload = data.GetProperty("reserveStock");
        var errors = payload.GetProperty("errors").EnumerateArray().ToList();
        if (errors.Count == 0 && payload.GetProperty("reservation") is var reservation && reservation.GetProperty("status").GetString() == "RESERVED")
            return (Lines(reservation), null);
        var codes = errors.Select(e => e.GetProperty("code").GetString()).Distinct().ToList();
        if (codes is [OutOfStock or PriceChanged or VariantNotFound or ReservationReleased])
            return (null, new UserError(codes[0]!, string.Join(" ", errors.Select(e => e.GetProperty("message").GetString())), null));
        throw new InvalidOperationException($"The catalog refused the reservation of {orderId}: {payload.GetRawText()}");
    }

    /// <summary>Where an order's units are held: (SKU, fulfillment center, quantity); empty when nothing is held.</summary>
    public async Task<IReadOnlyList<(string Sku, string Center, int Quantity)>> ReservationAsync(string orderId, CancellationToken cancellationToken)
    {
        var data = await PostAsync("""
            query($orderId: ID!) { reservation(orderId: $orderId) { status lines { sku fulfillmentCenter quantity } } }
            """, new { orderId }, cancellationToken);
        var reservation = data.GetProperty("reservation");
        return reservation.ValueKind == JsonValueKind.Object ? Lines(reservation) : [];
    }

    private static List<(string Sku, string Center, int Quantity)> Lines(JsonElement reservation) =>
        [.. reservation.GetProperty("lines").EnumerateArray()
            .Select(l => (l.GetProperty("sku").GetString()!, l.GetProperty("fulfillmentCenter").GetString()!, l.GetProperty("quantity").GetInt32()))];

    /// <summary>Gives an order's stock back; harmless when it holds none (a later reserve of it is then refused).</summary>
    /// <returns>False when the units already left stock: committed by a fulfillment wave whose order then did not ship.</returns>
    public async Task<bool> ReleaseAsync(string orderId, CancellationToken cancellationToken)
    {
        var data = await PostAsync("""
            mutation($input: ReservationInput!) { releaseStock(input: $input) { reservation { status } errors { code } } }
            """, new { input = new { orderId } }, cancellationToken);
        var errors = data.GetProperty("releaseStock").GetProperty("errors");
        if (errors.GetArrayLength() == 1 && errors[0].GetProperty("code").GetString() == ReservationCommitted)
            return false;
        if (errors.GetArrayLength() > 0)
            throw new InvalidOperationException($"The catalog refused releaseStock of {orderId}: {errors.GetRawText()}");
        return true;
    }

    /// <summary>
    /// Puts back on hand the units the catalog committed for an order that then did not ship
    /// (<see cref="ReleaseAsync"/> answered false); once, however often asked.
    /// </summary>
    public async Task RestockAsync(string orderId, CancellationToken cancellationToken)
    {
        var data = await PostAsync("""
            mutation($input: ReservationInput!) { restockStock(input: $input) { reservation { status } errors { code } } }
            """, new { input = new { orderId } }, cancellationToken);
        var errors = data.GetProperty("restockStock").GetProperty("errors");
        if (errors.GetArrayLength() > 0)
            throw new InvalidOperationException($"The catalog refused restockStock of {orderId}: {errors.GetRawText()}");
    }

    /// <summary>The catalog commits at most this many orders per call.</summary>
    private const int CommitBatch = 500;

    /// <summary>
    /// The orders shipped: their held units leave stock, in one call per
    /// <see cref="CommitBatch"/> orders. Returns the orders the catalog refused (their
    /// reservation released or never made), with the code of its answer; a repeat of a commit is not refused.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>> CommitAsync(IReadOnlyList<string> orderIds, CancellationToken cancellationToken)
    {
        var refused = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var batch in orderIds.Chunk(CommitBatch))
        {
            var data = await PostAsync("""
                mutation($input: CommitStocksInput!) { commitStocks(input: $input) { errors { code message } } }
                """, new { input = new { orderIds = batch } }, cancellationToken);
            var answers = data.GetProperty("commitStocks");
            for (var i = 0; i < batch.Length; i++)
            {
                if (answers[i].GetProperty("errors") is { } errors && errors.GetArrayLength() > 0)
                    refused[batch[i]] = errors[0].GetProperty("code").GetString() ?? "REFUSED";
            }
        }
        return refused;
    }

    /// <summary>Runs a GraphQL operation on the catalog; its <c>data</c>, or CATALOG_UNAVAILABLE.</summary>
    public async Task<JsonElement> PostAsync(string query, object variables, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "") { Content = JsonContent.Create(new { query, variables }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokens.TokenFor(OrdersExtensions.ServiceName));
        request.Headers.Accept.ParseAdd("application/graphql-response+json");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (response.IsSuccessStatusCode && body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                && !body.TryGetProperty("errors", out _))
                return data.Clone();
            throw new GraphQLFailure(Unavailable, $"The catalog could not answer ({(int)response.StatusCode}); try again.");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new GraphQLFailure(Unavailable, "The catalog could not be reached; try again.");
        }
    }

    private sealed record MoneyData(string Amount, string CurrencyCode);

    private sealed record ProductData(string Id, string Name);

    private sealed record VariantData(string Sku, string Title, MoneyData Price, int? QuantityAvailable, int WeightGrams, ProductData? Product);
}
