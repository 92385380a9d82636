using Federated.Catalog.Data;
using Federated.Catalog.Inventory;
using Federated.Catalog.Products;
using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Kit.Marten;
using Marten;
using Npgsql;

namespace Federated.Catalog.Variants;

public sealed class VariantBySkuDataLoader(IQuerySession session, KitCounters counters)
    : DocumentByIdDataLoader<ProductVariant>(session, counters, v => v.Sku);

/// <summary>The variants of many products in one query, each product's in their listed order.</summary>
public sealed class VariantsByProductDataLoader(IQuerySession session, KitCounters counters)
    : GroupedDataLoader<string, ProductVariant>(counters)
{
    protected override async Task<IEnumerable<ProductVariant>> LoadRowsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        var variants = await session.Query<ProductVariant>()
            .Where(v => keys.Contains(v.ProductId))
            .ToListAsync(cancellationToken);
        return variants.OrderBy(v => v.Position).ThenBy(v => v.Sku, StringComparer.Ordinal);
    }

    protected override string KeyOf(ProductVariant row) => row.ProductId;
}

/// <summary>What a variant lookup reads besides the variant, in the same query.</summary>
[Flags]
public enum VariantReads
{
    Variant = 0,
    Product = 1,
    Quantity = 2,
}

/// <summary>
/// Variants by SKU with, in the same query, their products and units available when the
/// request selects those; the product and quantity loaders are primed with them, so that
/// the variant's <c>product</c> and <c>quantityAvailable</c> cost no query of their own. A
/// cart's lookup (the orders service's, on every add) is one round trip instead of three.
/// The keys of a batch are read with every detail any of them asks for.
/// </summary>
public sealed class VariantDetailsBySkuDataLoader(
    NpgsqlDataSource dataSource, IDocumentStore store, VariantBySkuDataLoader variants, ProductByIdDataLoader products,
    QuantityBySkuDataLoader quantities, KitCounters counters)
    : BatchDataLoader<(string Sku, VariantReads Reads), ProductVariant>(counters)
{
    /// <summary>The query for each combination of <see cref="VariantReads"/>, by its value.</summary>
    private static readonly string[] Queries = [.. Enumerable.Range(0, 4).Select(r => (VariantReads)r).Select(reads => $"""
        select v.data, {(reads.HasFlag(VariantReads.Product) ? "p.data" : "null")},
          {(reads.HasFlag(VariantReads.Quantity) ? $"(select least(coalesce(sum(i.on_hand - i.reserved), 0), {int.MaxValue})::int from {InventoryTable.Name} i where i.sku = v.id)" : "null")}
        from {CatalogStore.VariantsTable} v{(reads.HasFlag(VariantReads.Product) ? $" left join {CatalogStore.ProductsTable} p on p.id = v.product_id" : "")}
        where v.id = any($1)
        """)];

    protected override async Task<IReadOnlyDictionary<(string Sku, VariantReads Reads), ProductVariant>> LoadBatchAsync(
        IReadOnlyList<(string Sku, VariantReads Reads)> keys, CancellationToken cancellationToken)
    {
        var reads = keys.Aggregate(VariantReads.Variant, (all, key) => all | key.Reads);
        await using var command = dataSource.CreateCommand(Queries[(int)reads]);
        command.Parameters.Add(new NpgsqlParameter { Value = keys.Select(k => k.Sku).Distinct().ToArray() });
        var serializer = store.Options.Serializer();
        var found = new Dictionary<string, ProductVariant>(keys.Count);
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var variant = serializer.FromJson<ProductVariant>(reader, 0);
                found[variant.Sku] = variant;
                variants.Prime(variant.Sku, variant);
                if (!reader.IsDBNull(1))
                    products.Prime(variant.ProductId, serializer.FromJson<Product>(reader, 1));
                if (!reader.IsDBNull(2))
                    quantities.Prime(variant.Sku, reader.GetInt32(2));
            }
        }
        var result = new Dictionary<(string Sku, VariantReads Reads), ProductVariant>(keys.Count);
        foreach (var key in keys)
        {
            if (found.TryGetValue(key.Sku, out var variant))
                result[key] = variant;
        }
        return result;
    }
}
