using Federated.Gateway.Tests.Planning;

namespace Federated.Gateway.Tests.Execution;

public class EnumCompletionTests
{
    private static readonly Lazy<Federated.Gateway.Supergraph.SupergraphModel> Model = new(() => TestSupergraphs.Build("""
        enum Tier @join__type(graph: A) @join__type(graph: B) {
          FREE @join__enumValue(graph: A) @join__enumValue(graph: B)
          PAID @join__enumValue(graph: A) @join__enumValue(graph: B)
          LEGACY @inaccessible @join__enumValue(graph: A)
        }
        type Query @join__type(graph: A) @join__type(graph: B) {
          tiers: [Tier] @join__field(graph: A)
          tier: Tier! @join__field(graph: B)
        }
        """, "a", "b"));

    [Fact]
    public async Task EnumValueTheApiDoesNotHave_IsNullWithAnError()
    {
        var subgraphs = new FakeSubgraphs().On("a", _ => """{"data":{"tiers":["FREE","LEGACY","RETIRED"]}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), "{ tiers }");
        Assert.Equal(FakeSubgraphs.Compact("""
            {"errors":[
              {"message":"Enum \"Tier\" cannot represent value: \"LEGACY\"","path":["tiers",1]},
              {"message":"Enum \"Tier\" cannot represent value: \"RETIRED\"","path":["tiers",2]}],
             "data":{"tiers":["FREE",null,null]}}
            """), json);
    }

    [Fact]
    public async Task EnumValueTheApiDoesNotHave_InANonNullField_NullsItsParent()
    {
        var subgraphs = new FakeSubgraphs().On("b", _ => """{"data":{"tier":"LEGACY"}}""");
        var json = await FakeSubgraphs.RunAsync(subgraphs.Executor(Model.Value), "{ tier }");
        Assert.Equal(FakeSubgraphs.Compact("""
            {"errors":[{"message":"Enum \"Tier\" cannot represent value: \"LEGACY\"","path":["tier"]}],"data":null}
            """), json);
    }
}
