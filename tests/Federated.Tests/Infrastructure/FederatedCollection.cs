namespace Federated.Tests.Infrastructure;

/// <summary>Every test class joins this collection: the services start once and the tests run one at a time,
/// so counter deltas measured by one test are not disturbed by another.</summary>
[CollectionDefinition(Name)]
public sealed class FederatedCollection : ICollectionFixture<FederatedStack>
{
    public const string Name = "federated";
}
