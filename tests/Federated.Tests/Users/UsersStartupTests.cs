using Federated.Tests.Infrastructure;

namespace Federated.Tests.Users;

/// <summary>How users instances start on one database: a scale-out or a first deploy with two replicas.</summary>
[Collection(FederatedCollection.Name)]
public sealed class UsersStartupTests(FederatedStack stack)
{
    /// <summary>
    /// Two instances starting together on a new database both start, with the demo accounts
    /// made once, and log no error. Before, both found the database empty and loaded them; the
    /// second failed on the first one's rows and exited. Until the twenty-eighth session each
    /// logged EF Core's read of the migrations' history, before it made that table, as a
    /// failed command (an error in every first start's log, the quick start's too).
    /// </summary>
    [Fact]
    public async Task TwoInstancesStartingTogether_OnANewDatabase_BothStart_WithTheAccountsMadeOnce()
    {
        const string database = "users_two_starts_test";
        string[] instances = ["users-first-start", "users-second-start"];
        await TestDatabases.RecreateAsync(stack.Settings, [database], CancellationToken.None);
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = stack.Settings.PostgresConnectionString(database),
            ["Seed__Users"] = "200",
        };

        using var started = await stack.StartTogetherAsync(ServiceNames.Users, instances, settings);

        foreach (var process in started.Processes)
            Assert.False(process.Wrote("\"LogLevel\":\"Error\"") || process.Wrote("\"LogLevel\":\"Critical\""), process.Tail());

        foreach (var instance in instances)
        {
            var admin = await stack.SignInAsync(Accounts.AdminEmail, Accounts.AdminPassword, instance);
            Assert.Empty(admin.ErrorCodes());
            var found = await stack.PostAsync(instance, "query($r: [_Any!]!) { _entities(representations: $r) { ... on User { id } } }",
                new { r = new[] { new { __typename = "User", id = "user-000200" } } }, null, Accounts.BearerHeader(Accounts.ServiceToken(stack)));
            Assert.Equal("user-000200", found.Data.GetProperty("_entities")[0].GetProperty("id").GetString());
        }
    }
}
