using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Users.Data;
using Microsoft.EntityFrameworkCore;

namespace Federated.Users.Addresses;

/// <summary>Every address of many users in one query; the default shipping address first.</summary>
public sealed class AddressesByUserDataLoader(IDbContextFactory<UsersDbContext> contexts, KitCounters counters)
    : BatchDataLoader<string, IReadOnlyList<Address>>(counters)
{
    protected override async Task<IReadOnlyDictionary<string, IReadOnlyList<Address>>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var addresses = await db.Addresses.AsNoTracking()
            .Where(a => keys.Contains(a.UserId))
            .OrderByDescending(a => a.DefaultShipping).ThenBy(a => a.CreatedAt).ThenBy(a => a.Id)
            .ToListAsync(cancellationToken);
        var byUser = addresses.GroupBy(a => a.UserId).ToDictionary(g => g.Key, g => (IReadOnlyList<Address>)g.ToList());
        return keys.Distinct().ToDictionary(k => k, k => byUser.GetValueOrDefault(k) ?? []);
    }
}
