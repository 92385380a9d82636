using Microsoft.EntityFrameworkCore;

namespace Federated.Users.Data;

public sealed class UsersDbContext(DbContextOptions<UsersDbContext> options) : DbContext(options)
{
    public const string Schema = "users";

    public DbSet<User> Users => Set<User>();

    public DbSet<Address> Addresses => Set<Address>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    /// <summary>
    /// The account, its row locked until the current transaction ends: what changes one
    /// account's addresses or sessions (a refresh, a sign-out everywhere) takes it first, so that
    /// those changes of one account happen one after another. Null when there is no such account.
    /// </summary>
    public Task<User?> LockUserAsync(string userId, CancellationToken cancellationToken) =>
        Users.FromSql($"""select * from users.users where "Id" = {userId} for update""").AsNoTracking().SingleOrDefaultAsync(cancellationToken);

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.HasDefaultSchema(Schema);

        model.Entity<User>(user =>
        {
            user.ToTable("users");
            user.HasKey(u => u.Id);
            user.Property(u => u.Id).HasMaxLength(64);
            user.Property(u => u.Email).HasMaxLength(254);
            user.Property(u => u.NormalizedEmail).HasMaxLength(254);
            user.HasIndex(u => u.NormalizedEmail).IsUnique();
            user.Property(u => u.Name).HasMaxLength(100);
            user.Property(u => u.PasswordHash).HasMaxLength(200);
            user.Property(u => u.Role).HasMaxLength(16);
        });

        model.Entity<Address>(address =>
        {
            address.ToTable("addresses");
            address.HasKey(a => a.Id);
            address.Property(a => a.Id).HasMaxLength(64);
            address.HasOne<User>().WithMany().HasForeignKey(a => a.UserId).OnDelete(DeleteBehavior.Cascade);
            address.HasIndex(a => new { a.UserId, a.CreatedAt });
            address.Property(a => a.Name).HasMaxLength(100);
            address.Property(a => a.Line1).HasMaxLength(200);
            address.Property(a => a.Line2).HasMaxLength(200);
            address.Property(a => a.City).HasMaxLength(100);
            address.Property(a => a.Region).HasMaxLength(100);
            address.Property(a => a.PostalCode).HasMaxLength(20);
            address.Property(a => a.Country).HasMaxLength(2).IsFixedLength();
        });

        model.Entity<RefreshToken>(token =>
        {
            token.ToTable("refresh_tokens");
            token.HasKey(t => t.TokenHash);
            token.Property(t => t.TokenHash).HasMaxLength(64);
            token.HasOne<User>().WithMany().HasForeignKey(t => t.UserId).OnDelete(DeleteBehavior.Cascade);
            token.HasIndex(t => t.UserId);
        });
    }
}
