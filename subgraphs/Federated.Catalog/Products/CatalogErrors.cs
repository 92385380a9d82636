using System.Text.RegularExpressions;
using Federated.Catalog.Data;
using Federated.Catalog.Variants;
using Federated.Kit.Errors;

namespace Federated.Catalog.Products;

public static partial class CatalogErrors
{
    public const string InvalidInput = "INVALID_INPUT";
    public const string InvalidPrice = "INVALID_PRICE";
    public const string InvalidSku = "INVALID_SKU";
    public const string DuplicateSku = "DUPLICATE_SKU";
    public const string CategoryNotFound = "CATEGORY_NOT_FOUND";
    public const string ProductNotFound = "PRODUCT_NOT_FOUND";
    public const string VariantNotFound = "VARIANT_NOT_FOUND";
    public const string UnknownFulfillmentCenter = "UNKNOWN_FULFILLMENT_CENTER";
    public const string InsufficientStock = "INSUFFICIENT_STOCK";

    public static UserError Duplicate(string sku, params string[] field) => new(DuplicateSku, $"The SKU '{sku}' is taken.", field);

    public static void Text(List<UserError> errors, string? value, int max, params string[] field)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors.Add(new(InvalidInput, $"'{field[^1]}' is required.", field));
        else if (value.Length > max)
            errors.Add(new(InvalidInput, $"'{field[^1]}' must be at most {max} characters.", field));
    }

    /// <summary>At most this many images, attributes (or a variant's options), and variants of one product.</summary>
    public const int MaxImages = 20, MaxAttributes = 50, MaxVariants = 50;

    public static void Images(List<UserError> errors, List<ImageInput>? images, params string[] path)
    {
        if (images is null)
            return;
        if (images.Count > MaxImages)
        {
            errors.Add(new(InvalidInput, $"'{path[^1]}' holds at most {MaxImages} images.", path));
            return;
        }
        for (var i = 0; i < images.Count; i++)
        {
            Text(errors, images[i].Url, 2000, [.. path, $"{i}", "url"]);
            if (images[i].Alt is { Length: > 300 })
                errors.Add(new(InvalidInput, "'alt' must be at most 300 characters.", [.. path, $"{i}", "alt"]));
        }
    }

    /// <summary>Product attributes and variant options: each a name and a value, both required.</summary>
    public static void AttributeList(List<UserError> errors, List<AttributeInput>? attributes, params string[] path)
    {
        if (attributes is null)
            return;
        if (attributes.Count > MaxAttributes)
        {
            errors.Add(new(InvalidInput, $"'{path[^1]}' holds at most {MaxAttributes} entries.", path));
            return;
        }
        for (var i = 0; i < attributes.Count; i++)
        {
            Text(errors, attributes[i].Name, 100, [.. path, $"{i}", "name"]);
            Text(errors, attributes[i].Value, 500, [.. path, $"{i}", "value"]);
        }
    }

    public static void Price(List<UserError> errors, decimal price, decimal? listPrice, params string[] path)
    {
        if (price < 0 || decimal.Round(price, 2) != price || price > 1_000_000m)
            errors.Add(new(InvalidPrice, "'price' must be between 0 and 1,000,000 with at most two decimals.", [.. path, "price"]));
        if (listPrice is { } list && (list <= price || decimal.Round(list, 2) != list || list > 1_000_000m))
            errors.Add(new(InvalidPrice, "'listPrice' must be above 'price', with at most two decimals.", [.. path, "listPrice"]));
    }

    public static void Variant(List<UserError> errors, VariantInput variant, params string[] path)
    {
        if (!SkuFormat().IsMatch(variant.Sku))
            errors.Add(new(InvalidSku, "'sku' must be 3 to 40 capital letters, digits and dashes.", [.. path, "sku"]));
        Text(errors, variant.Title, 200, [.. path, "title"]);
        AttributeList(errors, variant.Options, [.. path, "options"]);
        Price(errors, variant.Price, variant.ListPrice, path);
        Weight(errors, variant.WeightGrams, path);
    }

    public static void Weight(List<UserError> errors, int? grams, params string[] path)
    {
        if (grams is < 1 or > ProductVariant.MaxWeightGrams)
            errors.Add(new(InvalidInput, $"'weightGrams' must be 1 to {ProductVariant.MaxWeightGrams}.", [.. path, "weightGrams"]));
    }

    /// <summary>
    /// Two decimals exactly, as the seed's prices have ("19.90", not "19.9" or "19.900"): a price
    /// checked to have at most two (<see cref="Price"/>) may still be written with more zeros,
    /// which were kept and reached carts and quotes as three decimals.
    /// </summary>
    public static decimal Money(decimal amount) => decimal.Round(amount, 2) + 0.00m;

    public static List<ProductAttribute> Attributes(List<Products.AttributeInput>? input) =>
        [.. (input ?? []).Select(a => new ProductAttribute(a.Name.Trim(), a.Value.Trim()))];

    [GeneratedRegex("^[A-Z0-9][A-Z0-9-]{2,39}\\z")]
    private static partial Regex SkuFormat();
}
