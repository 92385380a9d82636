using Federated.Gateway.FeatureGraphs.Data;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Products;

public enum WeightUnit
{
    Gram,
    Kilogram,
}

public sealed class WeightUnitType : EnumerationGraphType<WeightUnit>
{
    public WeightUnitType() => Name = "WeightUnit";
}

public sealed class ProductType : ObjectGraphType<ProductRecord>
{
    public ProductType()
    {
        Name = "Product";
        this.Key("upc");
        this.Key("sku");
        Field<NonNullGraphType<IdGraphType>>("upc").Resolve(ctx => ctx.Source.Upc);
        Field<NonNullGraphType<IdGraphType>>("sku").Resolve(ctx => ctx.Source.Sku);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(ctx => ctx.Source.Name).Shareable();
        Field<NonNullGraphType<IntGraphType>>("price").Resolve(ctx => ctx.Source.Price);
        Field<NonNullGraphType<IntGraphType>>("weight")
            .Argument<WeightUnitType>("unit", arg => arg.DefaultValue = WeightUnit.Gram)
            .Resolve(ctx => Weight(ctx.Source.WeightGrams, ctx.GetArgument<WeightUnit>("unit")));
        // Overridden by inventory: a gateway that asked here would get true for every product, even those out of stock.
        Field<NonNullGraphType<BooleanGraphType>>("inStock").Resolve(_ => true);
        // Moving to inventory by progressive override: percent(90) for dispatch, percent(10) for
        // returnWindow. The answers here say where they came from, so a gateway on the wrong side is caught.
        Field<NonNullGraphType<StringGraphType>>("dispatch").Resolve(_ => "catalog: within 3 days");
        Field<NonNullGraphType<StringGraphType>>("returnWindow").Resolve(_ => "catalog: 30 days");
        this.ResolveReference<ProductKey, ProductRecord>((ctx, key) =>
            (key.Upc is not null ? ctx.State().ProductByUpc(key.Upc) : ctx.State().ProductBySku(key.Sku ?? ""))
            ?? throw WorldAccess.Failure($"No product {key.Upc ?? key.Sku}.", "NOT_FOUND"));
    }

    public static int Weight(int grams, WeightUnit unit) => unit == WeightUnit.Kilogram ? (grams + 500) / 1000 : grams;
}

public sealed class MediaInterface : InterfaceGraphType<MediaRecord>
{
    public MediaInterface()
    {
        Name = "Media";
        Field<NonNullGraphType<IdGraphType>>("id");
        Field<NonNullGraphType<StringGraphType>>("title");
    }
}

public sealed class BookType : ObjectGraphType<MediaRecord>
{
    public BookType()
    {
        Name = "Book";
        Interface<MediaInterface>();
        IsTypeOf = value => value is MediaRecord { IsBook: true };
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("title").Resolve(ctx => ctx.Source.Title);
        Field<NonNullGraphType<IntGraphType>>("pages").Resolve(ctx => ctx.Source.Length);
        this.ResolveReference<IdKey, MediaRecord>((ctx, key) => ctx.State().MediaById(key.Id)!);
    }
}

public sealed class MovieType : ObjectGraphType<MediaRecord>
{
    public MovieType()
    {
        Name = "Movie";
        Interface<MediaInterface>();
        IsTypeOf = value => value is MediaRecord { IsBook: false };
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("title").Resolve(ctx => ctx.Source.Title);
        Field<NonNullGraphType<IntGraphType>>("minutes").Resolve(ctx => ctx.Source.Length);
        this.ResolveReference<IdKey, MediaRecord>((ctx, key) => ctx.State().MediaById(key.Id)!);
    }
}

public sealed class SearchResultUnion : UnionGraphType
{
    public SearchResultUnion()
    {
        Name = "SearchResult";
        Type<ProductType>();
        Type<BookType>();
        Type<MovieType>();
    }
}

/// <summary>The second hop of the seller key chain: account number to VAT id, which is how inventory knows sellers.</summary>
public sealed class SellerType : ObjectGraphType<SellerRecord>
{
    public SellerType()
    {
        Name = "Seller";
        this.Key("accountNo");
        this.Key("vatId");
        Field<NonNullGraphType<IdGraphType>>("accountNo").Resolve(ctx => ctx.Source.AccountNo);
        Field<NonNullGraphType<IdGraphType>>("vatId").Resolve(ctx => ctx.Source.VatId);
        this.ResolveReference<SellerKey, SellerRecord>((ctx, key) =>
            ctx.State().Sellers.First(s => s.AccountNo == key.AccountNo || s.VatId == key.VatId));
    }
}
