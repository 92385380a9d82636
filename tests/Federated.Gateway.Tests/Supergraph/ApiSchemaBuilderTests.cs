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
}
