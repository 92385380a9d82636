namespace Federated.Gateway.FeatureGraphs.Hosting;

/// <summary>The names of the feature subgraphs, as composed into their supergraph and used by the test fixture.</summary>
public static class FeatureGraphNames
{
    public const string Accounts = "accounts";
    public const string Products = "products";
    public const string Inventory = "inventory";
    public const string Reviews = "reviews";

    public static readonly IReadOnlyList<string> All = [Accounts, Products, Inventory, Reviews];
}
