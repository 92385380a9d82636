using Federated.Kit.Seeding;
using Npgsql;

namespace Federated.Benchmarks;

/// <summary>A variant as an order line names it: SKU, product, "{product name} ({variant title})" and price.</summary>
public sealed record CatalogVariant(string Sku, string ProductId, string Title, decimal Price)
{
    /// <summary>Enough for lines that look like a store's: the history does not need every variant of a large catalog.</summary>
    private const int Most = 10_000;

    /// <summary>
    /// The first variants of the catalog the benchmark's orders service uses, from the Marten
    /// documents; made-up ones in the demo's SKU format when it holds none (the benchmark starts the
    /// catalog, which seeds itself on its first start, before it makes the history, so only a
    /// catalog started without its demo data has none).
    /// </summary>
    public static async Task<(IReadOnlyList<CatalogVariant> Variants, bool FromCatalog)> ReadAsync(StackSettings settings, CancellationToken cancellationToken)
    {
        var database = GatewayStack.Database("catalog");
        List<CatalogVariant> variants = [];
        try
        {
            await using var connection = await settings.OpenUnpooledAsync(database, cancellationToken);
            await using var command = new NpgsqlCommand($"""
                select v.id, p.id, (p.data ->> 'Name') || ' (' || (v.data ->> 'Title') || ')', (v.data ->> 'Price')::numeric
                from catalog.mt_doc_productvariant v join catalog.mt_doc_product p on p.id = v.data ->> 'ProductId'
                order by v.id limit {Most}
                """, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                variants.Add(new CatalogVariant(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetDecimal(3)));
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidCatalogName or PostgresErrorCodes.UndefinedTable)
        {
            // No catalog database, or none seeded yet: made up below.
        }
        if (variants.Count > 0)
            return (variants, true);
        return ([.. Enumerable.Range(1, 1000).Select(i => new CatalogVariant(DemoData.Sku(i, 1), DemoData.ProductId(i), $"Demo Product {i} (Standard)", 5m + i % 400))], false);
    }
}
