using System.Diagnostics;
using Npgsql;

namespace Federated.Tests.Infrastructure;

public static class StartingBesideWrites
{
    /// <summary>
    /// Starts an instance of <paramref name="service"/> on the fixture's database while another
    /// transaction holds the lock every writer of <paramref name="tables"/> holds (ROW
    /// EXCLUSIVE), as reservations, orders and reviews do all day, and fails the test unless it
    /// is ready while that transaction is still open: its start-up DDL must take no lock that
    /// waits for a writer (and holds up every query behind it meanwhile). The transaction is
    /// rolled back once the instance answers, or when the start fails.
    /// </summary>
    public static async Task<ChildProcess> StartBesideOpenWritesAsync(this FederatedStack stack, string service, string instance, params string[] tables)
    {
        await using var writer = await stack.OpenDatabaseAsync(service);
        await using var transaction = await writer.BeginTransactionAsync();
        await using (var command = new NpgsqlCommand($"lock table {string.Join(", ", tables)} in row exclusive mode", writer, transaction))
            await command.ExecuteNonQueryAsync();
        var started = Stopwatch.StartNew();
        var process = await stack.StartInstanceAsync(service, instance, new Dictionary<string, string>());
        // Still open: the start did not wait for it.
        await using (var stillOpen = new NpgsqlCommand("select 1", writer, transaction))
            Assert.Equal(1, await stillOpen.ExecuteScalarAsync());
        Console.WriteLine($"{instance} started in {started.Elapsed.TotalSeconds:N1} s beside open writes to {string.Join(", ", tables)}");
        return process;
    }
}
