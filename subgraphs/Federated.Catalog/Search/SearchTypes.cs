using Federated.Catalog.Data;
using Federated.Catalog.Products;
using Federated.Kit.Paging;
using Federated.Kit.Types;
using GraphQL.Types;

namespace Federated.Catalog.Search;

public sealed class ProductFilterInputType : InputObjectGraphType<ProductFilter>
{
    public ProductFilterInputType()
    {
        Name = "ProductFilter";
        Field(f => f.CategoryId, type: typeof(IdGraphType))
            .Description("Products filed under this category or anywhere below it.");
        Field(f => f.Brands, type: typeof(ListGraphType<NonNullGraphType<StringGraphType>>))
            .Description($"Products of any of these brands (exact names, as the brand facet lists them); at most {ProductFilter.MaxBrands}.");
        Field(f => f.PriceMin, type: typeof(DecimalType)).Description("Lowest price, inclusive.");
        Field(f => f.PriceMax, type: typeof(DecimalType)).Description("Highest price, inclusive.");
        Field(f => f.InStockOnly, nullable: true).Description("Only products with at least one unit available.");
    }
}

public sealed class ProductSortType : EnumerationGraphType<ProductSort>
{
    public ProductSortType()
    {
        Name = "ProductSort";
        Description = "RELEVANCE applies to search; a product list without a query keeps its default order for it.";
    }
}

/// <summary>A page of search results with their total and facet counts.</summary>
public sealed record SearchResults(Connection<Product> Page, IReadOnlyList<Facet> Facets)
    : Connection<Product>(Page.Edges, Page.PageInfo, Page.TotalCount);

public sealed class SearchResultType : ConnectionType<ProductType, Product>
{
    public SearchResultType()
    {
        Name = "SearchResult";
        AddTotalCount();
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FacetType>>>>("facets")
            .Description("Counts by brand, category (leaf category ids) and price band, for the query and filter; "
                + "brand counts ignore the brand filter and price counts the price filter.")
            .Resolve(ctx => ((SearchResults)ctx.Source).Facets);
    }
}

public sealed class FacetType : ObjectGraphType<Facet>
{
    public FacetType()
    {
        Name = "Facet";
        Field(f => f.Name).Description("brand, category or price.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<FacetValueType>>>>("values")
            .Description($"Most frequent first, at most {ProductListQuery.FacetSize}; price bands in ascending order, as [from, to).")
            .Resolve(ctx => ctx.Source.Values);
    }
}

public sealed class FacetValueType : ObjectGraphType<FacetValue>
{
    public FacetValueType()
    {
        Name = "FacetValue";
        Field(v => v.Value);
        Field(v => v.Count);
    }
}
