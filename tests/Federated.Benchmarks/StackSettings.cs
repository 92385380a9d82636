using System.Diagnostics;

namespace Federated.Benchmarks;

/// <summary>The local stack's addresses and identity settings, from eng/services.env (the one place they are set).</summary>
public sealed record StackSettings(string Host, int PostgresPort, string PostgresUser, int RedisPort, string Issuer, string Audience, string PublicKey)
{
    /// <summary>The key files of eng/services.env, for services that sign tokens (users, orders) and the gateways that verify them.</summary>
    public IdentityKeyFiles KeyFiles { get; init; } = new("", "", "", "");

    public string ConnectionString(string database) => $"Host={Host};Port={PostgresPort};Username={PostgresUser};Database={database}";

    /// <summary>
    /// For a database the benchmark drops, or copies, next: a pooled connection left open to it
    /// would be broken by the drop, and would make the copy fail (a template must have nobody connected).
    /// </summary>
    public string UnpooledConnectionString(string database) => ConnectionString(database) + ";Pooling=false";

    public string RedisConnectionString => $"{Host}:{RedisPort}";

    public static async Task<StackSettings> ReadAsync(CancellationToken cancellationToken)
    {
        // bash evaluates the file, so environment overrides apply exactly as for the scripts.
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, WorkingDirectory = RepoPaths.Root };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("source eng/services.env && echo \"$FEDERATED_HOST $FEDERATED_PG_PORT $FEDERATED_PG_USER $FEDERATED_REDIS_PORT "
            + "$FEDERATED_IDENTITY_ISSUER $FEDERATED_IDENTITY_AUDIENCE $FEDERATED_IDENTITY_PUBLIC_KEY_FILE "
            + "$FEDERATED_IDENTITY_SIGNING_KEY_FILE $FEDERATED_SERVICE_PUBLIC_KEY_FILE $FEDERATED_SERVICE_SIGNING_KEY_FILE\"");
        using var process = Process.Start(startInfo)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var values = output.Trim().Split('\n')[^1].Split(' ');
        if (process.ExitCode != 0 || values.Length != 10)
            throw new BenchmarkException($"cannot read eng/services.env (exit {process.ExitCode}): {output}");
        return new StackSettings(values[0], int.Parse(values[1]), values[2], int.Parse(values[3]), values[4], values[5],
            await File.ReadAllTextAsync(values[6], cancellationToken))
        {
            KeyFiles = new IdentityKeyFiles(values[6], values[7], values[8], values[9]),
        };
    }
}

public sealed record IdentityKeyFiles(string PublicKey, string SigningKey, string ServicePublicKey, string ServiceSigningKey);

/// <summary>Where the repository is and which configuration the benchmark (and so the catalog it references) was built in.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    // The benchmark runs from tests/Federated.Benchmarks/bin/<Configuration>/<tfm>/.
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "eng", "services.env")))
                return dir.FullName;
        }
        throw new BenchmarkException($"no eng/services.env above {AppContext.BaseDirectory}");
    }
}
