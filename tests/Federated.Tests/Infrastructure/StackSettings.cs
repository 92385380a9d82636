namespace Federated.Tests.Infrastructure;

/// <summary>The local stack's addresses and identity settings, read from eng/services.env (the one place they are set).</summary>
public sealed record StackSettings(string Host, int PostgresPort, string PostgresUser, int RedisPort, IdentitySettings Identity)
{
    public string PostgresConnectionString(string database) =>
        $"Host={Host};Port={PostgresPort};Username={PostgresUser};Database={database}";

    public string RedisConnectionString => $"{Host}:{RedisPort}";

    public static async Task<StackSettings> ReadAsync()
    {
        // Let bash evaluate the file, so environment overrides apply exactly as for the scripts.
        var (exitCode, output) = await ChildProcess.RunAsync("services-env", "bash",
            ["-c", "source eng/services.env && echo \"$FEDERATED_HOST $FEDERATED_PG_PORT $FEDERATED_PG_USER $FEDERATED_REDIS_PORT "
                + "$FEDERATED_IDENTITY_ISSUER $FEDERATED_IDENTITY_AUDIENCE $FEDERATED_IDENTITY_SIGNING_KEY_FILE $FEDERATED_IDENTITY_PUBLIC_KEY_FILE "
                + "$FEDERATED_SERVICE_SIGNING_KEY_FILE $FEDERATED_SERVICE_PUBLIC_KEY_FILE\""],
            TimeSpan.FromSeconds(10));
        var values = output.Split('\n')[^1].Split(' ');
        if (exitCode != 0 || values.Length != 10)
            throw new InvalidOperationException($"Cannot read eng/services.env (exit {exitCode}):\n{output}");
        var identity = new IdentitySettings(values[4], values[5],
            SigningKey: await File.ReadAllTextAsync(values[6]), PublicKey: await File.ReadAllTextAsync(values[7]),
            ServiceSigningKey: await File.ReadAllTextAsync(values[8]), ServicePublicKey: await File.ReadAllTextAsync(values[9]),
            PublicKeyFile: values[7]);
        return new StackSettings(values[0], int.Parse(values[1]), values[2], int.Parse(values[3]), identity);
    }
}

/// <summary>Who issues access tokens, for whom, and the (development) key pairs of user and service tokens.
/// The public key's file is for the gateways, which read the key themselves.</summary>
public sealed record IdentitySettings(string Issuer, string Audience, string SigningKey, string PublicKey, string ServiceSigningKey, string ServicePublicKey,
    string PublicKeyFile);
