using System.Text.RegularExpressions;

namespace Federated.Tests.Infrastructure;

/// <summary>
/// The services the tests talk to. The subgraphs are those of FEDERATED_SUBGRAPHS in
/// eng/services.env (or the environment), named as there and as schema/&lt;name&gt;.graphql;
/// the project of subgraph "name" is Federated.Name, the rule run.sh follows too.
/// </summary>
public static partial class ServiceNames
{
    public const string Catalog = "catalog";
    public const string Users = "users";
    public const string Orders = "orders";
    public const string Reviews = "reviews";
    /// <summary>The reference gateway (Hive Gateway).</summary>
    public const string Gateway = "gateway";
    /// <summary>The project's own gateway, gateway/Federated.Gateway.</summary>
    public const string DotnetGateway = "dotnet-gateway";

    public static readonly IReadOnlyList<Subgraph> Subgraphs = ReadSubgraphs();

    private static List<Subgraph> ReadSubgraphs()
    {
        var value = Environment.GetEnvironmentVariable("FEDERATED_SUBGRAPHS");
        if (string.IsNullOrWhiteSpace(value))
        {
            var match = SubgraphsLine().Match(File.ReadAllText(RepoPaths.InRepo("eng", "services.env")));
            if (!match.Success)
                throw new InvalidOperationException("eng/services.env does not set FEDERATED_SUBGRAPHS.");
            value = match.Groups[1].Value;
        }
        return [.. value.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split('=')[0])
            .Select(name => new Subgraph(name, $"Federated.{char.ToUpperInvariant(name[0])}{name[1..]}"))];
    }

    [GeneratedRegex("^FEDERATED_SUBGRAPHS=\"([^\"]*)\"", RegexOptions.Multiline)]
    private static partial Regex SubgraphsLine();
}

public sealed record Subgraph(string Name, string Project)
{
    /// <summary>
    /// "&lt;name&gt;_test", plus FEDERATED_TEST_DB_SUFFIX when set, so that two checkouts can run
    /// their tests at once against the same PostgreSQL without dropping each other's databases.
    /// </summary>
    public string Database => $"{Name}_test{Environment.GetEnvironmentVariable("FEDERATED_TEST_DB_SUFFIX")}";

    public static Subgraph Named(string name) => ServiceNames.Subgraphs.Single(s => s.Name == name);
}
