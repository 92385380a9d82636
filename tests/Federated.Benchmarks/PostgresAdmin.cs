using Npgsql;

namespace Federated.Benchmarks;

/// <summary>
/// The benchmark's own work on the stack's PostgreSQL: the databases it keeps between runs (the
/// seeded catalog, the order history's template) and those it makes anew for a run.
/// </summary>
public static class PostgresAdmin
{
    /// <summary>
    /// Unpooled (<see cref="StackSettings.UnpooledConnectionString"/>) and without a command
    /// timeout: a drop, a copy of gigabytes, a vacuum or a batch of a build takes minutes on a busy machine.
    /// </summary>
    public static async Task<NpgsqlConnection> OpenUnpooledAsync(this StackSettings settings, string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(settings.UnpooledConnectionString(database) + ";Command Timeout=0");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    public static async Task<bool> DatabaseExistsAsync(this StackSettings settings, string database, CancellationToken cancellationToken)
    {
        await using var admin = await settings.OpenUnpooledAsync("postgres", cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = $1", admin) { Parameters = { new() { Value = database } } };
        return await exists.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>
    /// Drops <paramref name="database"/> (whoever is connected) and creates it empty, or as a file
    /// copy of <paramref name="template"/>: the default copy (WAL_LOG) writes every page of
    /// gigabytes through the WAL, which took minutes; a file copy takes a checkpoint and copies the files.
    /// </summary>
    public static async Task RecreateDatabaseAsync(this StackSettings settings, string database, CancellationToken cancellationToken, string? template = null)
    {
        await using var admin = await settings.OpenUnpooledAsync("postgres", cancellationToken);
        await admin.ExecuteAsync($"drop database if exists {database} with (force)", cancellationToken);
        await admin.ExecuteAsync(template is null ? $"create database {database}" : $"create database {database} template {template} strategy file_copy", cancellationToken);
    }

    public static async Task ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
