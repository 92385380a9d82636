using Npgsql;

namespace Federated.Tests.Infrastructure;

/// <summary>A subgraph's own database, for what the tests check (or arrange) beside the graph.</summary>
public static class ServiceDatabases
{
    /// <summary>A connection to <paramref name="service"/>'s database (the fixture's), open.</summary>
    public static async Task<NpgsqlConnection> OpenDatabaseAsync(this FederatedStack stack, string service)
    {
        var connection = new NpgsqlConnection(stack.Settings.PostgresConnectionString(Subgraph.Named(service).Database));
        await connection.OpenAsync();
        return connection;
    }

    /// <summary>One value from <paramref name="service"/>'s database (null for no row or SQL null).</summary>
    public static async Task<object?> DatabaseScalarAsync(this FederatedStack stack, string service, string sql, params object[] parameters)
    {
        await using var connection = await stack.OpenDatabaseAsync(service);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }
}
