using Federated.Tests.Infrastructure;

namespace Federated.Tests.Orders;

/// <summary>
/// Every column of the tables that grow by rows with orders (the orders database's, the
/// simulated provider's among them, and the catalog's reservations) has the statistics target
/// 10 (the kit's <c>PostgresStore.SampledStatisticsTarget</c>), so an autovacuum ANALYZE of one
/// reads a sample of 3,000 rows, not PostgreSQL's default 30,000: on a million orders, 33 ms of
/// a core against 560 ms, which at 280 orders a second came due about every 70 s and made a
/// slow second for the checkouts under way. A table or column added without the setting fails
/// here by name.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class OrderStatisticsTests(FederatedStack stack)
{
    private const int Target = 10;

    /// <summary>The orders database's tables that do not grow with orders, analyzed in no time whatever their target.</summary>
    private static readonly string[] Small = ["__ef_migrations_history", "discount_codes", "fulfillment_queue"];

    [Fact]
    public async Task EveryColumnOfTheOrdersTables_IsAnalyzedOnASmallSample()
    {
        var tables = await TablesAsync(ServiceNames.Orders, "orders");
        // The tables the code names are among them: a rename would not leave them unchecked.
        Assert.Subset(tables, new HashSet<string>
        {
            "orders", "order_lines", "payments", "payment_events", "refunds", "shipments", "shipment_events",
            "discount_redemptions", "simulated_provider_ledger", "simulated_provider_events", "simulated_provider_refunds",
        });
        await AssertSampledAsync(ServiceNames.Orders, "orders", tables.Except(Small));
    }

    [Fact]
    public async Task EveryColumnOfTheCatalogsReservations_IsAnalyzedOnASmallSample()
    {
        var reservations = new[] { "reservations", "reservation_lines" };
        Assert.Subset(await TablesAsync(ServiceNames.Catalog, "catalog"), reservations.ToHashSet());
        await AssertSampledAsync(ServiceNames.Catalog, "catalog", reservations);
    }

    private async Task<HashSet<string>> TablesAsync(string service, string schema) =>
        ((string?)await stack.DatabaseScalarAsync(service, "select string_agg(relname, ',') from pg_stat_user_tables where schemaname = $1", schema) ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet();

    private async Task AssertSampledAsync(string service, string schema, IEnumerable<string> tables)
    {
        var otherwise = await stack.DatabaseScalarAsync(service, """
            select string_agg(c.relname || '.' || a.attname || ' (' || coalesce(a.attstattarget::text, 'default') || ')', ', ' order by c.relname, a.attnum)
            from pg_attribute a
            join pg_class c on c.oid = a.attrelid
            join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relkind = 'r' and c.relname = any($2)
              and a.attnum > 0 and not a.attisdropped and a.attstattarget is distinct from $3::int
            """, schema, tables.ToArray(), Target);
        Assert.True(otherwise is null, $"Columns analyzed at another target: {otherwise}");
    }
}
