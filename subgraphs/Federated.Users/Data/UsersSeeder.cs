using Bogus;
using Federated.Kit.Hosting;
using Federated.Kit.Identity;
using Federated.Kit.Seeding;
using Federated.Users.Accounts;
using Microsoft.EntityFrameworkCore;

namespace Federated.Users.Data;

/// <summary>
/// Into an empty store: the demo administrator and the demo customers whose ids the other
/// services' seed data refers to (review authors). Every customer has the same demo
/// password, hashed once: hashing is slow on purpose, and seeding should not be.
/// </summary>
public sealed class UsersSeeder(IDbContextFactory<UsersDbContext> contexts, Passwords passwords, IConfiguration configuration, ILogger<UsersSeeder> logger)
    : IStartupTask
{
    public const string AdminEmail = "admin@federated.example";
    public const string AdminPassword = "admin-demo-password";
    public const string CustomerPassword = "customer-demo-password";

    public static string CustomerEmail(int index) => $"customer{index:D6}@federated.example";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken))
            return;

        var count = DemoData.Users(configuration);
        logger.LogInformation("Seeding the demo administrator and {Count} demo customers", count);
        var created = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var adminEmail = configuration.GetValue("Seed:AdminEmail", AdminEmail)!;
        db.Users.Add(new User
        {
            Id = DemoData.UserId(0),
            Email = adminEmail,
            NormalizedEmail = User.Normalize(adminEmail),
            Name = "Store Administrator",
            PasswordHash = passwords.Hash(configuration.GetValue("Seed:AdminPassword", AdminPassword)!),
            Role = IdentityClaims.AdminRole,
            CreatedAt = created,
        });

        var faker = new Faker { Random = new Randomizer(DemoData.RandomSeed + 2) };
        var customerHash = passwords.Hash(CustomerPassword);
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
