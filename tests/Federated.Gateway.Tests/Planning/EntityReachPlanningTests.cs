using Federated.Gateway.Planning;
using Federated.Gateway.Supergraph;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// How the planner reaches a field: the implementation's own @requires under an interface, and
/// a type that is an entity in some subgraphs and a value type in others.
/// </summary>
public class EntityReachPlanningTests(ITestOutputHelper output)
{
    private QueryPlan Plan(SupergraphModel model, string query)
    {
        var plan = TestSupergraphs.Plan(model, query);
        output.WriteLine(plan.ToString());
        return plan;
    }

    [Fact]
    public void InterfaceFieldWhoseImplementationRequiresFields_SendsThemInTheRepresentation()
    {
        // Item.shippingCost has no @requires on the interface; Lamp's needs its weight from the catalog.
        var model = TestSupergraphs.Build("""
            type Query @join__type(graph: CATALOG) @join__type(graph: SHIPPING) {
              items: [Item] @join__field(graph: CATALOG)
            }
            interface Item @join__type(graph: CATALOG) @join__type(graph: SHIPPING) {
              id: ID!
              weight: Int @join__field(graph: CATALOG) @join__field(graph: SHIPPING)
              shippingCost: Int @join__field(graph: SHIPPING)
            }
            type Lamp implements Item @join__implements(graph: CATALOG, interface: "Item") @join__implements(graph: SHIPPING, interface: "Item")
              @join__type(graph: CATALOG, key: "id") @join__type(graph: SHIPPING, key: "id") {
              id: ID!
              weight: Int @join__field(graph: CATALOG) @join__field(graph: SHIPPING, external: true)
              shippingCost: Int @join__field(graph: SHIPPING, requires: "weight")
            }
            """, "catalog", "shipping");

        var fetches = Plan(model, "{ items { id shippingCost } }").Fetches().ToList();

        Assert.Equal(["catalog", "shipping"], fetches.Select(f => f.Subgraph));
        Assert.Contains("... on Lamp { id __typename weight }", fetches[0].Query);
        Assert.Equal("{ id weight }", SelectionPrinter.Print(Assert.Single(fetches[1].Representations!).Fields));
    }

    private static readonly Lazy<SupergraphModel> Stores = new(() => TestSupergraphs.Build("""
        type Query @join__type(graph: STORES) @join__type(graph: MAPS) @join__type(graph: MAIL) @join__type(graph: DIRECTORY) {
          stores: [Store!]! @join__field(graph: STORES)
          store: Store @join__field(graph: DIRECTORY)
        }
        type Store @join__type(graph: STORES, key: "id") @join__type(graph: MAPS, key: "id") @join__type(graph: MAIL, key: "id") @join__type(graph: DIRECTORY, key: "id") {
          id: ID! @join__field(graph: STORES) @join__field(graph: MAPS, external: true) @join__field(graph: MAIL, external: true) @join__field(graph: DIRECTORY)
          address: Address @join__field(graph: STORES) @join__field(graph: MAPS) @join__field(graph: MAIL)
        }
        type Address @join__type(graph: STORES, key: "id") @join__type(graph: MAPS) @join__type(graph: MAIL) @join__type(graph: ARCHIVE, key: "postcode") {
          id: ID! @join__field(graph: STORES)
          street: String @join__field(graph: STORES)
          geo: String @join__field(graph: MAPS)
          postcode: String @join__field(graph: MAIL) @join__field(graph: ARCHIVE)
          history: String @join__field(graph: ARCHIVE)
        }
        """, "stores", "maps", "mail", "directory", "archive"));

    [Fact]
    public void FieldOfATypeThatIsAValueTypeThere_IsFetchedThroughTheEntityAbove()
    {
        // maps knows Address without a key: its geo comes from the store, fetched again from maps.
        var fetches = Plan(Stores.Value, "{ stores { address { street geo } } }").Fetches().ToList();

        Assert.Equal(["stores", "maps"], fetches.Select(f => f.Subgraph));
        Assert.Contains("... on Store { address { geo } }", fetches[1].Query);
        Assert.Equal(["stores", "@"], fetches[1].MergePath);
    }

    [Fact]
    public void EntityJumpedToWithAnExternalKey_IsFetchedAgainWhereItsKeyIsResolved()
    {
        // directory owns the store; mail gives the address the key archive needs (postcode), and
        // maps and stores know the store's id only as external: every fetch starts from directory's store.
        var fetches = Plan(Stores.Value, "{ store { address { postcode history geo } } }").Fetches().ToList();

        Assert.Equal(["directory", "mail", "archive", "maps"], fetches.Select(f => f.Subgraph));
        Assert.All(fetches.Where(f => f.Subgraph is "mail" or "maps"), f => Assert.Equal(["store"], f.MergePath));
        Assert.Equal(["store", "address"], fetches[2].MergePath);
    }
}
