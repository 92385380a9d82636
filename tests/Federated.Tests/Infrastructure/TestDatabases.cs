using Npgsql;

namespace Federated.Tests.Infrastructure;

/// <summary>Drops and recreates the test databases, so every run starts from the deterministic seed.</summary>
public static class TestDatabases
{
    public static async Task RecreateAsync(StackSettings settings, IEnumerable<string> databases, CancellationToken cancellationToken)
    {
        foreach (var database in databases)
        {
            await using (var admin = await OpenAsync(settings, "postgres", cancellationToken))
            {
                await ExecuteAsync(admin, $"drop database if exists \"{database}\" with (force)", cancellationToken);
                await ExecuteAsync(admin, $"create database \"{database}\"", cancellationToken);
            }
            // The same extensions eng/stack.sh installs in the services' own databases.
            await using var connection = await OpenAsync(settings, database, cancellationToken);
            await ExecuteAsync(connection,
                "set client_min_messages = warning; create extension if not exists pg_trgm; create extension if not exists unaccent;",
                cancellationToken);
        }
    }

    private static async Task<NpgsqlConnection> OpenAsync(StackSettings settings, string database, CancellationToken cancellationToken)
    {
        // No pooling: a pooled connection to a database dropped on the next run would be broken.
        var connection = new NpgsqlConnection(settings.PostgresConnectionString(database) + ";Pooling=false");
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
