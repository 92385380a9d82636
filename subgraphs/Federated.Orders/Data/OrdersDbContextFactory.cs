using Federated.Kit.EntityFramework;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Npgsql;

namespace Federated.Orders.Data;

/// <summary>For <c>dotnet ef migrations add</c> only: generating a migration needs no database.</summary>
public sealed class OrdersDbContextFactory : IDesignTimeDbContextFactory<OrdersDbContext>
{
    public OrdersDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<OrdersDbContext>();
        EntityFrameworkStore.Configure(options, NpgsqlDataSource.Create("Host=localhost;Database=orders"), OrdersDbContext.Schema);
        return new OrdersDbContext(options.Options);
    }
}
