namespace Federated.Tests.Infrastructure;

/// <summary>The local stack's addresses, read from eng/services.env (the one place they are set).</summary>
public sealed record StackSettings(string Host, int PostgresPort, string PostgresUser, int RedisPort)
{
    public string PostgresConnectionString(string database) =>
        $"Host={Host};Port={PostgresPort};Username={PostgresUser};Database={database}";

    public string RedisConnectionString => $"{Host}:{RedisPort}";

    public static async Task<StackSettings> ReadAsync()
    {
        // Let bash evaluate the file, so environment overrides apply exactly as for the scripts.
        var (exitCode, output) = await ChildProcess.RunAsync("services-env", "bash",
            ["-c", "source eng/services.env && echo \"$FEDERATED_HOST $FEDERATED_PG_PORT $FEDERATED_PG_USER $FEDERATED_REDIS_PORT\""],
            TimeSpan.FromSeconds(10));
        var values = output.Split('\n')[^1].Split(' ');
        if (exitCode != 0 || values.Length != 4)
            throw new InvalidOperationException($"Cannot read eng/services.env (exit {exitCode}):\n{output}");
        return new StackSettings(values[0], int.Parse(values[1]), values[2], int.Parse(values[3]));
    }
}
