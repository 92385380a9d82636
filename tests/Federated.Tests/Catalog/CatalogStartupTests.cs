using System.Globalization;
using Federated.Tests.Infrastructure;

namespace Federated.Tests.Catalog;

/// <summary>How catalog instances start on one database: a scale-out or a first deploy with two replicas.</summary>
[Collection(FederatedCollection.Name)]
public sealed class CatalogStartupTests(FederatedStack stack)
{
    /// <summary>
    /// Two instances starting together on a new database load the demo catalog once, one
    /// after the other: both answer, with every product searchable. Before, both found the
    /// database empty; the second failed on the first one's rows, or, started again, took the
    /// half-made load for an old catalog and deleted it.
    /// </summary>
    [Fact]
    public async Task TwoInstancesStartingTogether_OnANewDatabase_LoadTheCatalogOnce()
    {
        const string database = "catalog_two_starts_test";
        const int products = 300;
        await TestDatabases.RecreateAsync(stack.Settings, [database], CancellationToken.None);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = stack.Settings.PostgresConnectionString(database),
            ["Seed__Products"] = products.ToString(CultureInfo.InvariantCulture),
        };

        using var started = await stack.StartTogetherAsync(ServiceNames.Catalog, ["catalog-first-start", "catalog-second-start"], settings);

        foreach (var instance in new[] { "catalog-first-start", "catalog-second-start" })
        {
            var listed = await stack.PostAsync(instance, "{ products(first: 1) { totalCount } }");
            Assert.Empty(listed.ErrorCodes);
            Assert.Equal(products, listed.Data.GetProperty("products").GetProperty("totalCount").GetInt32());
        }
    }

    /// <summary>
    /// An instance starting while other transactions write the search table, the terms, the
    /// inventory and the reservations (as every reservation and sold-out refresh does) starts
    /// without waiting for them: its start-up DDL touches a table only when it has something to
    /// add. Before, every start took the search table's ACCESS EXCLUSIVE lock (add column if not
    /// exists) and its indexes' SHARE locks, waiting for every open write, with every search
    /// and reservation queued behind it.
    /// </summary>
    [Fact]
    public async Task AnInstanceStartingBesideOpenWrites_DoesNotWaitForThem()
    {
        using var instance = await stack.StartBesideOpenWritesAsync(ServiceNames.Catalog, "catalog-beside-writes",
            "catalog.product_search", "catalog.search_terms", "catalog.inventory", "catalog.reservations", "catalog.reservation_lines");

        var found = await stack.PostAsync("catalog-beside-writes", "{ search(query: \"a\", first: 1) { totalCount } }");
        Assert.Empty(found.ErrorCodes);
    }
}
