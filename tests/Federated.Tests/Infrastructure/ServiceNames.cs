namespace Federated.Tests.Infrastructure;

/// <summary>The services the tests talk to; subgraph names match eng/services.env and schema/&lt;name&gt;.graphql.</summary>
public static class ServiceNames
{
    public const string Catalog = "catalog";
    public const string Reviews = "reviews";
    public const string Gateway = "gateway";

    public static readonly IReadOnlyList<Subgraph> Subgraphs =
    [
        new(Catalog, "Federated.Catalog"),
        new(Reviews, "Federated.Reviews"),
    ];
}

public sealed record Subgraph(string Name, string Project)
{
    public string Database => $"{Name}_test";
}
