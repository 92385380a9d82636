namespace Federated.Gateway.Tests.Supergraph;

public class ApiSchemaBuilderTests
{
    [Fact]
    public void FieldWhoseEveryArgumentIsInaccessible_HasNoArgumentsInTheApiSchema()
    {
        var model = TestSupergraphs.Build("""
            enum Sort @join__type(graph: A) { NEWEST OLDEST }
            type Query @join__type(graph: A) {
              posts(sort: Sort = NEWEST @inaccessible): [String!]! @join__field(graph: A)
            }
            """, "a");

        Assert.Contains("posts: [String!]!", model.ApiSdl);
        Assert.DoesNotContain("posts(", model.ApiSdl);
    }

    [Fact]
    public void InterfaceBeforeAnImplementationWithACovariantField_Loads()
    {
        // Composition prints types by name, so an interface often comes before its implementations.
        var model = TestSupergraphs.Build("""
            type Query @join__type(graph: A) { item: Item @join__field(graph: A) }
            interface Item @join__type(graph: A) { similar: Item }
            type Tool implements Item @join__implements(graph: A, interface: "Item") @join__type(graph: A) { id: ID! similar: Tool }
            """, "a");

        Assert.Contains("similar: Tool", model.ApiSdl);
    }
}
