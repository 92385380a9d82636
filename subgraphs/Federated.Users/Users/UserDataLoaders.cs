using Federated.Kit.DataLoaders;
using Federated.Kit.Diagnostics;
using Federated.Users.Data;
using Microsoft.EntityFrameworkCore;

namespace Federated.Users.Users;

public sealed class UserByIdDataLoader(IDbContextFactory<UsersDbContext> contexts, KitCounters counters)
    : BatchDataLoader<string, User>(counters)
{
    protected override async Task<IReadOnlyDictionary<string, User>> LoadBatchAsync(IReadOnlyList<string> keys, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Users.AsNoTracking().Where(u => keys.Contains(u.Id)).ToDictionaryAsync(u => u.Id, cancellationToken);
    }
}
