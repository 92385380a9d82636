using Bogus;
using Federated.Kit.Hosting;
using Federated.Kit.Identity;
using Federated.Kit.Seeding;
using Federated.Users.Accounts;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Federated.Users.Data;

/// <summary>
/// Into an empty store: the demo administrator and the demo customers whose ids the other
/// services' seed data refers to (review authors). Every customer has the same demo
/// password, hashed once: hashing is slow on purpose, and seeding should not be.
/// The published demo passwords are given only where <c>Seed:DemoAccounts</c> says so (by
/// default in Development, as <c>./run.sh</c> runs): elsewhere the administrator is created
/// only with a password the operator sets (<c>Seed:AdminPassword</c>), and the customers
/// with none that signs in. Before, a store started in Production on an empty database
/// had an administrator anyone who read the README could sign in as. One instance at a time:
/// two starting together on a new database both found it empty, and one failed on the
/// other's rows (the load is one transaction, so one cut short leaves nothing).
/// </summary>
public sealed class UsersSeeder(IDbContextFactory<UsersDbContext> contexts, NpgsqlDataSource dataSource, Passwords passwords, IConfiguration configuration,
    IHostEnvironment environment, ILogger<UsersSeeder> logger) : IStartupTask
{
    public const string AdminEmail = "admin@federated.example";
    public const string AdminPassword = "admin-demo-password";
    public const string CustomerPassword = "customer-demo-password";

    public static string CustomerEmail(int index) => $"customer{index:D6}@federated.example";

    public Task RunAsync(CancellationToken cancellationToken) =>
        dataSource.OneAtATimeAsync("users.seed", () => SeedAsync(cancellationToken), cancellationToken);

    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken))
            return;

        var count = DemoData.Users(configuration);
        var demo = configuration.GetValue("Seed:DemoAccounts", environment.IsDevelopment());
        var adminPassword = configuration["Seed:AdminPassword"] is { Length: > 0 } set ? set : demo ? AdminPassword : null;
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        if (adminPassword is null)
        {
            logger.LogWarning("No administrator is seeded: set Seed:AdminPassword to create one (the demo password is given only with Seed:DemoAccounts)");
        }
        else
        {
            var adminEmail = configuration.GetValue("Seed:AdminEmail", AdminEmail)!;
            db.Users.Add(new User
            {
                Id = DemoData.UserId(0),
                Email = adminEmail,
                NormalizedEmail = User.Normalize(adminEmail),
                Name = "Store Administrator",
                PasswordHash = passwords.Hash(adminPassword),
                Role = IdentityClaims.AdminRole,
                CreatedAt = created,
            });
        }
        logger.LogInformation("Seeding {Count} demo customers ({Passwords})", count, demo ? "with the demo password" : "that cannot sign in");

        var faker = new Faker { Random = new Randomizer(DemoData.RandomSeed + 2) };
        // Without the demo password, each account holds the hash of a secret nobody is told.
        var customerHash = passwords.Hash(demo ? CustomerPassword : Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        for (var i = 1; i <= count; i++)
        {
            var user = new User
            {
                Id = DemoData.UserId(i),
                Email = CustomerEmail(i),
                NormalizedEmail = User.Normalize(CustomerEmail(i)),
                Name = faker.Name.FullName(),
                PasswordHash = customerHash,
                Role = IdentityClaims.CustomerRole,
                CreatedAt = created.AddMinutes(i),
            };
            db.Users.Add(user);
            db.Addresses.Add(new Address
            {
                Id = $"addr-{i:D6}-1",
                UserId = user.Id,
                Name = user.Name,
                Line1 = faker.Address.StreetAddress(),
                City = faker.Address.City(),
                Region = faker.Address.StateAbbr(),
                PostalCode = faker.Address.ZipCode("#####"),
                Country = "US",
                DefaultShipping = true,
                CreatedAt = user.CreatedAt,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
