using Federated.Catalog.Data;
using Federated.Catalog.Products;
using Federated.Kit.Types;
using GraphQL.Types;

namespace Federated.Catalog.Variants;

public sealed record VariantInput
{
    public string Sku { get; init; } = "";
    public string Title { get; init; } = "";
    public List<AttributeInput>? Options { get; init; }
    public decimal Price { get; init; }
    public decimal? ListPrice { get; init; }
    public int? WeightGrams { get; init; }
}

public sealed record AddVariantInput
{
    public string ProductId { get; init; } = "";
    public VariantInput Variant { get; init; } = new();
}

public sealed record UpdateVariantInput
{
    public string Sku { get; init; } = "";
    public string? Title { get; init; }
    public List<AttributeInput>? Options { get; init; }
    public decimal? Price { get; init; }
    public decimal? ListPrice { get; init; }
    public int? WeightGrams { get; init; }

    /// <summary>Set when the input says <c>listPrice: null</c> (as opposed to leaving it out).</summary>
    public bool EndsSale { get; init; }
}

public sealed class VariantInputType : InputObjectGraphType<VariantInput>
{
    public VariantInputType()
    {
        Name = "VariantInput";
        Field(v => v.Sku, type: typeof(NonNullGraphType<IdGraphType>)).Description("Capital letters, digits and dashes, 3 to 40 characters; unique.");
        Field(v => v.Title);
        Field(v => v.Options, type: typeof(ListGraphType<NonNullGraphType<AttributeInputType>>));
        Field(v => v.Price, type: typeof(NonNullGraphType<DecimalType>)).Description("In USD, at most two decimals, not negative.");
        Field(v => v.ListPrice, type: typeof(DecimalType)).Description("The price before a sale; above the price.");
        Field(v => v.WeightGrams, nullable: true).Description($"Shipping weight of one unit in grams, 1 to {ProductVariant.MaxWeightGrams:N0}; {ProductVariant.DefaultWeightGrams} when left out.");
    }
}

public sealed class AddVariantInputType : InputObjectGraphType<AddVariantInput>
{
    public AddVariantInputType()
    {
        Name = "AddVariantInput";
        Field(v => v.ProductId, type: typeof(NonNullGraphType<IdGraphType>));
        Field(v => v.Variant, type: typeof(NonNullGraphType<VariantInputType>));
    }
}

public sealed class UpdateVariantInputType : InputObjectGraphType<UpdateVariantInput>
{
    public UpdateVariantInputType()
    {
        Name = "UpdateVariantInput";
        Description = "Fields left out keep their values; an explicit null listPrice ends a sale.";
        Field(v => v.Sku, type: typeof(NonNullGraphType<IdGraphType>));
        Field(v => v.Title, nullable: true);
        Field(v => v.Options, type: typeof(ListGraphType<NonNullGraphType<AttributeInputType>>));
        Field(v => v.Price, type: typeof(DecimalType));
        Field(v => v.ListPrice, type: typeof(DecimalType));
        Field(v => v.WeightGrams, nullable: true);
    }

    public override object ParseDictionary(IDictionary<string, object?> value) =>
        (UpdateVariantInput)base.ParseDictionary(value) with { EndsSale = value.TryGetValue("listPrice", out var list) && list is null };
}
