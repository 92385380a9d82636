using Federated.Catalog.Data;
using Federated.Catalog.Products;
using Federated.Catalog.Search;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using GraphQL;
using GraphQL.Types;
using JasperFx;
using Marten;

namespace Federated.Catalog.Variants;

/// <summary>
/// Adding variants and changing them (prices included): administrators only. The product's
/// price is its cheapest variant's, so each change saves the product with it, in one transaction
/// that holds the product's lock (<see cref="ConcurrentWrites"/>).
/// </summary>
public static class VariantMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<VariantPayloadType>>("addVariant")
            .Argument<NonNullGraphType<AddVariantInputType>>("input")
            .ResolveAsync(async ctx => await AddAsync(ctx, ctx.GetArgument<AddVariantInput>("input")));
        mutation.Field<NonNullGraphType<VariantPayloadType>>("updateVariant")
            .Argument<NonNullGraphType<UpdateVariantInputType>>("input")
            .ResolveAsync(async ctx => await UpdateAsync(ctx, ctx.GetArgument<UpdateVariantInput>("input")));
    }

    public static ProductVariant NewVariant(string productId, int position, VariantInput input) => new()
    {
        Sku = input.Sku,
        ProductId = productId,
        Position = position,
        Title = input.Title.Trim(),
        Options = CatalogErrors.Attributes(input.Options),
        Price = CatalogErrors.Money(input.Price),
        ListPrice = input.ListPrice is { } list ? CatalogErrors.Money(list) : null,
        WeightGrams = input.WeightGrams ?? ProductVariant.DefaultWeightGrams,
    };

    private static async Task<VariantPayload> AddAsync(IResolveFieldContext ctx, AddVariantInput input)
    {
        ctx.CurrentUser().RequireAdmin();
        var errors = new List<UserError>();
        CatalogErrors.Variant(errors, input.Variant, "input", "variant");
        if (errors.Count > 0)
            return VariantPayload.Failed([.. errors]);

        return await ConcurrentWrites.OnProductAsync(ctx.RequestServices!.GetRequiredService<IDocumentStore>(), input.ProductId, async session =>
        {
            var product = await session.LoadAsync<Product>(input.ProductId, ctx.CancellationToken);
            if (product is null)
                return VariantPayload.Failed(new UserError(CatalogErrors.ProductNotFound, "There is no such product.", ["input", "productId"]));
            if (await session.LoadAsync<ProductVariant>(input.Variant.Sku, ctx.CancellationToken) is not null)
                return VariantPayload.Failed(CatalogErrors.Duplicate(input.Variant.Sku, "input", "variant", "sku"));

            var siblings = await session.Query<ProductVariant>().Where(v => v.ProductId == product.Id).ToListAsync(ctx.CancellationToken);
            if (siblings.Count >= CatalogErrors.MaxVariants)
                return VariantPayload.Failed(new UserError(CatalogErrors.InvalidInput, $"A product has at most {CatalogErrors.MaxVariants} variants.", ["input", "productId"]));
            var variant = NewVariant(product.Id, siblings.Select(v => v.Position).DefaultIfEmpty(0).Max() + 1, input.Variant);
            product.PriceFrom(siblings.Append(variant));
            session.Insert(variant);
            session.Update(product);
            SearchIndex.Refresh(session, product.Id);
            try
            {
                await session.SaveChangesAsync(ctx.CancellationToken);
            }
            catch (Exception ex) when (ConcurrentWrites.TakenMeanwhile(ex))
            {
                return VariantPayload.Failed(CatalogErrors.Duplicate(input.Variant.Sku, "input", "variant", "sku"));
            }
            return new VariantPayload(variant, []);
        }, ctx.CancellationToken);
    }

    private static async Task<VariantPayload> UpdateAsync(IResolveFieldContext ctx, UpdateVariantInput input)
    {
        ctx.CurrentUser().RequireAdmin();
        // An explicit "listPrice: null" ends a sale; leaving listPrice out keeps it.
        var store = ctx.RequestServices!.GetRequiredService<IDocumentStore>();
        string? productId;
        await using (var lookup = store.QuerySession())
            productId = (await lookup.LoadAsync<ProductVariant>(input.Sku, ctx.CancellationToken))?.ProductId;
        if (productId is null)
            return NoSuchVariant();

        // The variant is read again under its product's lock (a SKU never moves to another product).
        return await ConcurrentWrites.OnProductAsync(store, productId, async session =>
        {
            var variants = await session.Query<ProductVariant>().Where(v => v.ProductId == productId).ToListAsync(ctx.CancellationToken);
            if (variants.FirstOrDefault(v => v.Sku == input.Sku) is not { } variant)
                return NoSuchVariant();

            var listPrice = input.EndsSale ? null : input.ListPrice ?? variant.ListPrice;
            var errors = new List<UserError>();
            if (input.Title is not null)
                CatalogErrors.Text(errors, input.Title, 200, "input", "title");
            CatalogErrors.AttributeList(errors, input.Options, "input", "options");
            CatalogErrors.Price(errors, input.Price ?? variant.Price, listPrice, "input");
            CatalogErrors.Weight(errors, input.WeightGrams, "input");
            if (errors.Count > 0)
                return VariantPayload.Failed([.. errors]);

            variant.Title = input.Title?.Trim() ?? variant.Title;
            if (input.Options is not null)
                variant.Options = CatalogErrors.Attributes(input.Options);
            variant.Price = CatalogErrors.Money(input.Price ?? variant.Price);
            variant.ListPrice = listPrice is { } list ? CatalogErrors.Money(list) : null;
            variant.WeightGrams = input.WeightGrams ?? variant.WeightGrams;

            var product = await session.LoadAsync<Product>(productId, ctx.CancellationToken);
            product!.PriceFrom(variants);
            session.Update(variant);
            session.Update(product);
            SearchIndex.Refresh(session, product.Id);
            await session.SaveChangesAsync(ctx.CancellationToken);
            return new VariantPayload(variant, []);
        }, ctx.CancellationToken);

        VariantPayload NoSuchVariant() =>
            VariantPayload.Failed(new UserError(CatalogErrors.VariantNotFound, "There is no variant with this SKU.", ["input", "sku"]));
    }
}
