using Federated.Tests.Infrastructure;
using static Federated.Tests.Infrastructure.Eventually;

namespace Federated.Tests.Catalog;

/// <summary>
/// PostgreSQL out of reach of a service: a second catalog instance reaches the database
/// through a proxy (<see cref="FaultyProxy"/>) that then refuses every connection, open or new.
/// The client gets a code that says to try again, not an internal error, and the same query
/// works once the database can be reached again.
/// </summary>
[Collection(FederatedCollection.Name)]
public sealed class DatabaseOutageTests(FederatedStack stack)
{
    private const string Instance = "catalog-database-outage";
    private const string Query = """{ product(id: "prod-0000001") { id name } }""";

    [Fact]
    public async Task WhilePostgresCannotBeReached_QueriesSayTheServiceIsUnavailable_AndWorkAgainAfter()
    {
        await using var outage = await stack.StartWithDatabaseBehindProxyAsync(ServiceNames.Catalog, Instance);
        Assert.Equal("prod-0000001", (await stack.PostAsync(Instance, Query)).Data.GetProperty("product").GetProperty("id").GetString());

        outage.Proxy.Refuse();
        var refused = await stack.PostAsync(Instance, Query);

        Assert.Equal(["SERVICE_UNAVAILABLE"], refused.ErrorCodes);
        Assert.DoesNotContain("Npgsql", refused.Body, StringComparison.Ordinal);

        outage.Proxy.Restore();
        await WaitForAsync(async () => (await stack.PostAsync(Instance, Query)).ErrorCodes.Count == 0,
            () => "The catalog did not answer again once PostgreSQL could be reached.");
    }
}
