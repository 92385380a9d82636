using Federated.Catalog.Data;
using Federated.Catalog.Products;
using Federated.Kit.Errors;
using Federated.Kit.Hosting;
using Federated.Kit.Identity;
using GraphQL;
using GraphQL.Types;
using Marten;
using Npgsql;

namespace Federated.Catalog.Inventory;

/// <summary>Stock corrections (goods received, write-offs): administrators only.</summary>
public static class StockMutations
{
    private const int MaxDelta = 1_000_000;

    /// <summary>
    /// The most one center may hold of one SKU: the centers' sum stays within a 32-bit count
    /// (availability, the reservation's allocation). Past it, a receipt failed in PostgreSQL
    /// ("integer out of range"), an internal error.
    /// </summary>
    public const int MaxOnHand = 500_000_000;

    public static void AddTo(ObjectGraphType mutation) =>
        mutation.Field<NonNullGraphType<StockPayloadType>>("adjustStock")
            .Argument<NonNullGraphType<AdjustStockInputType>>("input")
            .ResolveAsync(async ctx => await AdjustAsync(ctx, ctx.GetArgument<AdjustStockInput>("input")));

    private static async Task<StockPayload> AdjustAsync(IResolveFieldContext ctx, AdjustStockInput input)
    {
        ctx.CurrentUser().RequireAdmin();
        if (!FulfillmentCenters.Exists(input.FulfillmentCenter))
            return StockPayload.Failed(new UserError(CatalogErrors.UnknownFulfillmentCenter,
                $"Fulfillment centers are {string.Join(", ", FulfillmentCenters.All)}.", ["input", "fulfillmentCenter"]));
        if (Math.Abs((long)input.Delta) > MaxDelta)
            return StockPayload.Failed(new UserError(CatalogErrors.InvalidInput, $"'delta' must be between -{MaxDelta:N0} and {MaxDelta:N0}.", ["input", "delta"]));
        var variant = await ctx.RequestServices!.GetRequiredService<IQuerySession>().LoadAsync<ProductVariant>(input.Sku, ctx.CancellationToken);
        if (variant is null)
            return StockPayload.Failed(new UserError(CatalogErrors.VariantNotFound, "There is no variant with this SKU.", ["input", "sku"]));

        // One statement either way, so the check and the change are atomic. Receipts create
        // the row on first use; a write-off that would leave less on hand than reserved (or
        // finds no row) changes nothing. (PostgreSQL checks constraints on an upsert's
        // candidate row before it finds the conflict, hence no negative upsert.)
        var sql = input.Delta >= 0
            ? $"""
              insert into {InventoryTable.Name} as i (sku, fulfillment_center, product_id, on_hand, reserved)
              values ($1, $2, $3, $4, 0)
              on conflict (sku, fulfillment_center) do update set on_hand = i.on_hand + excluded.on_hand
              where i.on_hand::bigint + excluded.on_hand <= {MaxOnHand}
              returning on_hand, reserved
              """
            : $"""
              update {InventoryTable.Name} set on_hand = on_hand + $4
              where sku = $1 and fulfillment_center = $2 and product_id = $3 and on_hand + $4 >= reserved
              returning on_hand, reserved
              """;
        // Search's in-stock flag is refreshed in the same batch, and so the same transaction: an
        // instance that dies after the change cannot leave the flag wrong (it was a second
        // statement after the change's commit). A change refused changes no flag.
        await using var connection = await ctx.RequestServices!.GetRequiredService<NpgsqlDataSource>().OpenConnectionAsync(ctx.CancellationToken);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                Positional.Statement(sql, variant.Sku, input.FulfillmentCenter, variant.ProductId, input.Delta),
                Positional.Statement($"select {Search.SearchTables.RefreshInStock}($1)", (object)new[] { variant.ProductId }),
            },
        };
        StockLevel? level = null;
        await using (var reader = await batch.ExecuteReaderAsync(ctx.CancellationToken))
        {
            if (await reader.ReadAsync(ctx.CancellationToken))
                level = new StockLevel(input.FulfillmentCenter, reader.GetInt32(0), reader.GetInt32(1));
        }
        if (level is not null)
            return new StockPayload(variant, level, []);
        return input.Delta >= 0
            ? StockPayload.Failed(new UserError(CatalogErrors.InvalidInput, $"A center holds at most {MaxOnHand:N0} units of a SKU.", ["input", "delta"]))
            : StockPayload.Failed(new UserError(CatalogErrors.InsufficientStock, "On hand may not drop below zero or below what is reserved.", ["input", "delta"]));
    }
}
