using Federated.Catalog.Data;
using Federated.Catalog.Search;
using Federated.Catalog.Variants;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using GraphQL;
using GraphQL.Types;
using JasperFx;
using Marten;

namespace Federated.Catalog.Products;

/// <summary>Creating and editing products: administrators only.</summary>
public static class ProductMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ProductPayloadType>>("createProduct")
            .Argument<NonNullGraphType<CreateProductInputType>>("input")
            .ResolveAsync(async ctx => await CreateAsync(ctx, ctx.GetArgument<CreateProductInput>("input")));
        mutation.Field<NonNullGraphType<ProductPayloadType>>("updateProduct")
            .Argument<NonNullGraphType<UpdateProductInputType>>("input")
            .ResolveAsync(async ctx => await UpdateAsync(ctx, ctx.GetArgument<UpdateProductInput>("input")));
    }

    private static async Task<ProductPayload> CreateAsync(IResolveFieldContext ctx, CreateProductInput input)
    {
        ctx.CurrentUser().RequireAdmin();
        var errors = new List<UserError>();
        CatalogErrors.Text(errors, input.Name, 200, "input", "name");
        CatalogErrors.Text(errors, input.Description, 5000, "input", "description");
        CatalogErrors.Text(errors, input.Brand, 100, "input", "brand");
        CatalogErrors.Images(errors, input.Images, "input", "images");
        CatalogErrors.AttributeList(errors, input.Attributes, "input", "attributes");
        // The count first: a list past it is not looked through.
        if (input.Variants.Count is 0 or > CatalogErrors.MaxVariants)
            errors.Add(new(CatalogErrors.InvalidInput, $"A product needs 1 to {CatalogErrors.MaxVariants} variants.", ["input", "variants"]));
        else
        {
            var skus = new HashSet<string>(StringComparer.Ordinal);
            for (var i = 0; i < input.Variants.Count; i++)
            {
                CatalogErrors.Variant(errors, input.Variants[i], "input", "variants", $"{i}");
                if (!skus.Add(input.Variants[i].Sku))
                    errors.Add(CatalogErrors.Duplicate(input.Variants[i].Sku, "input", "variants", $"{i}", "sku"));
            }
        }
        if (errors.Count > 0)
            return ProductPayload.Failed([.. errors]);

        var session = ctx.RequestServices!.GetRequiredService<IDocumentSession>();
        if (await CategoryErrorAsync(session, input.CategoryId, ctx.CancellationToken) is { } categoryError)
            return ProductPayload.Failed(categoryError);
        var taken = await session.LoadManyAsync<ProductVariant>(ctx.CancellationToken, input.Variants.Select(v => v.Sku));
        if (taken.Count > 0)
            return ProductPayload.Failed([.. taken.Select(v => CatalogErrors.Duplicate(v.Sku, "input", "variants", "sku"))]);

        var product = new Product
        {
            // Letters sort after digits: created products list after the seeded prod-NNNNNNN.
            Id = $"prod-n{Guid.NewGuid():N}",
            Name = input.Name.Trim(),
            Description = input.Description.Trim(),
            Brand = input.Brand.Trim(),
            CategoryId = input.CategoryId,
            Images = [.. (input.Images ?? []).Select(i => new ProductImage(i.Url, i.Alt))],
            Attributes = CatalogErrors.Attributes(input.Attributes),
            CreatedAt = DateTime.UtcNow,
        };
        var variants = input.Variants.Select((v, i) => VariantMutations.NewVariant(product.Id, i + 1, v)).ToList();
        product.PriceFrom(variants);
        session.Insert(product);
        session.Insert<ProductVariant>(variants);
        SearchIndex.Refresh(session, product.Id);
        try
        {
            await session.SaveChangesAsync(ctx.CancellationToken);
        }
        catch (Exception ex) when (ConcurrentWrites.TakenMeanwhile(ex))
        {
            return ProductPayload.Failed(new UserError(CatalogErrors.DuplicateSku, "One of the SKUs was taken meanwhile.", ["input", "variants"]));
        }
        return new ProductPayload(product, []);
    }

    private static async Task<ProductPayload> UpdateAsync(IResolveFieldContext ctx, UpdateProductInput input)
    {
        ctx.CurrentUser().RequireAdmin();
        var errors = new List<UserError>();
        if (input.Name is not null)
            CatalogErrors.Text(errors, input.Name, 200, "input", "name");
        if (input.Description is not null)
            CatalogErrors.Text(errors, input.Description, 5000, "input", "description");
        if (input.Brand is not null)
            CatalogErrors.Text(errors, input.Brand, 100, "input", "brand");
        CatalogErrors.Images(errors, input.Images, "input", "images");
        CatalogErrors.AttributeList(errors, input.Attributes, "input", "attributes");
        if (errors.Count > 0)
            return ProductPayload.Failed([.. errors]);

        return await ConcurrentWrites.OnProductAsync(ctx.RequestServices!.GetRequiredService<IDocumentStore>(), input.Id, async session =>
        {
            var product = await session.LoadAsync<Product>(input.Id, ctx.CancellationToken);
            if (product is null)
                return ProductPayload.Failed(new UserError(CatalogErrors.ProductNotFound, "There is no such product.", ["input", "id"]));
            if (input.CategoryId is not null && await CategoryErrorAsync(session, input.CategoryId, ctx.CancellationToken) is { } categoryError)
                return ProductPayload.Failed(categoryError);

            product.Name = input.Name?.Trim() ?? product.Name;
            product.Description = input.Description?.Trim() ?? product.Description;
            product.Brand = input.Brand?.Trim() ?? product.Brand;
            product.CategoryId = input.CategoryId ?? product.CategoryId;
            if (input.Images is not null)
                product.Images = [.. input.Images.Select(i => new ProductImage(i.Url, i.Alt))];
            if (input.Attributes is not null)
                product.Attributes = CatalogErrors.Attributes(input.Attributes);
            session.Update(product);
            SearchIndex.Refresh(session, product.Id);
            await session.SaveChangesAsync(ctx.CancellationToken);
            return new ProductPayload(product, []);
        }, ctx.CancellationToken);
    }

    /// <summary>Products are filed under leaves of the category tree.</summary>
    private static async Task<UserError?> CategoryErrorAsync(IQuerySession session, string categoryId, CancellationToken cancellationToken)
    {
        var category = await session.LoadAsync<Category>(categoryId, cancellationToken);
        var isLeaf = category is not null && !await session.Query<Category>().AnyAsync(c => c.ParentId == categoryId, cancellationToken);
        return isLeaf ? null : new UserError(CatalogErrors.CategoryNotFound, $"There is no leaf category '{categoryId}'.", ["input", "categoryId"]);
    }
}
