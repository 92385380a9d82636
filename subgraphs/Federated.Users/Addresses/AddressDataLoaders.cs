using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Users.Data;
using Microsoft.EntityFrameworkCore;

namespace Federated.Users.Addresses;

/// <summary>Every address of many users in one query; the default shipping address first.</summary>
public sealed class AddressesByUserDataLoader(IDbContextFactory<UsersDbContext> contexts, KitCounters counters)
    : GroupedDataLoader<string, Address>(counters)
{
    protected override async Task<IEnumerable<Address>> LoadRowsAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Addresses.AsNoTracking()
            .Where(a => keys.Contains(a.UserId))
            .OrderByDescending(a => a.DefaultShipping).ThenBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .ToListAsync(cancellationToken);
    }

    protected override string KeyOf(Address row) => row.UserId;
}
