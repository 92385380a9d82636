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
/// price is its cheapest variant's, so each change saves the product with it, in one transaction,
/// retried when another write to the same product won a race (<see cref="ConcurrentWrites"/>).
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

        return await ConcurrentWrites.RetryAsync(ctx.RequestServices!.GetRequiredService<IDocumentStore>(), async session =>
        {
            var product = await session.LoadAsync<Product>(input.ProductId, ctx.CancellationToken);
            if (product is null)
                return VariantPayload.Failed(new UserError(CatalogErrors.ProductNotFound, "There is no such product.", ["input", "productId"]));
            if (await session.LoadAsync<ProductVariant>(input.Variant.Sku, ctx.CancellationToken) is not null)
                return VariantPayload.Failed(CatalogErrors.Duplicate(input.Variant.Sku, "input", "variant", "sku"));

            var siblings = await session.Query<ProductVariant>().Where(v => v.ProductId == product.Id).ToListAsync(ctx.CancellationToken);
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
        });
    }

    private static async Task<VariantPayload> UpdateAsync(IResolveFieldContext ctx, UpdateVariantInput input)
    {
        ctx.CurrentUser().RequireAdmin();
        // An explicit "listPrice: null" ends a sale; leaving listPrice out keeps it.
        return await ConcurrentWrites.RetryAsync(ctx.RequestServices!.GetRequiredService<IDocumentStore>(), async session =>
        {
            var variant = await session.LoadAsync<ProductVariant>(input.Sku, ctx.CancellationToken);
            if (variant is null)
                return VariantPayload.Failed(new UserError(CatalogErrors.VariantNotFound, "There is no variant with this SKU.", ["input", "sku"]));

            var listPrice = input.EndsSale ? null : input.ListPrice ?? variant.ListPrice;
            var errors = new List<UserError>();
            if (input.Title is not null)
                CatalogErrors.Text(errors, input.Title, 200, "input", "title");
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

            var product = await session.LoadAsync<Product>(variant.ProductId, ctx.CancellationToken);
            var siblings = await session.Query<ProductVariant>().Where(v => v.ProductId == variant.ProductId && v.Sku != variant.Sku).ToListAsync(ctx.CancellationToken);
            product!.PriceFrom(siblings.Append(variant));
            session.Update(variant);
            session.Update(product);
            SearchIndex.Refresh(session, product.Id);
            await session.SaveChangesAsync(ctx.CancellationToken);
            return new VariantPayload(variant, []);
        });
    }
}
