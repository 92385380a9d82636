using Federated.Kit.EntityFramework;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Federated.Users.Data;

/// <summary>For <c>dotnet ef migrations add</c> only: generating a migration needs no database.</summary>
public sealed class UsersDbContextFactory : IDesignTimeDbContextFactory<UsersDbContext>
{
    public UsersDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<UsersDbContext>();
        EntityFrameworkStore.Configure(options, NpgsqlDataSource.Create("Host=localhost;Database=users"), UsersDbContext.Schema);
        return new UsersDbContext(options.Options);
    }
}
