using Federated.Gateway.Operations;
using GraphQL;
using GraphQLParser;
using GraphQLParser.AST;

namespace Federated.Gateway.Tests.Planning;

public class OperationCostTests
{
    private static (double Cost, bool UsesVariables) Estimate(string query, Dictionary<string, object?>? variables = null)
    {
        var document = Parser.Parse(query);
        return OperationCost.Estimate(TestSupergraphs.Project(), document, document.Definitions.OfType<GraphQLOperationDefinition>().First(),
            variables is null ? Inputs.Empty : new Inputs(variables));
    }

    [Fact]
    public void AProductPage_CountsEveryValueOnce_AndItsReviewsByTheConnectionsFirst()
    {
        // product 1 + name 1 + rating (1 + average 1) + reviews (1 + 3 nodes x (1 + title 1 + author (1 + name 1))) = 17
        var (cost, usesVariables) = Estimate("query($id: ID!) { product(id: $id) { name rating { average } reviews(first: 3) { nodes { title author { name } } } } }",
            new() { ["id"] = "p1" });

        Assert.Equal(17, cost);
        Assert.False(usesVariables); // $id is no list's size
    }

    [Fact]
    public void AListsSize_ComesFromItsVariable_OrTheVariablesDefault_OrTheDefaultSize()
    {
        const string query = "query($n: Int = 7) { products(first: $n) { nodes { name } } }";

        Assert.Equal((1 + 100 * 2, true), Estimate(query, new() { ["n"] = 100 }));
        Assert.Equal((1 + 7 * 2, true), Estimate(query));
        // A list without a size argument of its own or of its connection: the default size.
        Assert.Equal(1 + OperationCost.DefaultListSize * 2, Estimate("""{ product(id: "p1") { variants { sku } } }""").Cost);
    }

    /// <summary>
    /// Introspection counts by what it answers: the whole schema for each <c>__schema</c>, so
    /// that a request of many aliased ones is refused (each counted 1 before, and 15,000 of them
    /// answered hundreds of megabytes); a type's members asked for inside themselves are refused
    /// whatever the limit. The introspection query clients send (a type's fields, their
    /// arguments and types, interfaces, possible types) stays within it.
    /// </summary>
    [Fact]
    public void Introspection_CountsTheSchema_AndRefusesMembersInsideThemselves()
    {
        Assert.Equal(OperationCost.SchemaIntrospectionCost, Estimate("{ __schema { types { name fields { name } } } }").Cost);
        var aliased = "{ " + string.Join(' ', Enumerable.Range(0, 20).Select(i => $"s{i}: __schema {{ types {{ name }} }}")) + " }";
        Assert.True(Estimate(aliased).Cost > OperationCost.DefaultLimit);
        Assert.Equal(double.PositiveInfinity, Estimate("{ __schema { types { fields { type { fields { name } } } } } }").Cost);
        Assert.Equal(double.PositiveInfinity, Estimate("""
            { __type(name: "Product") { ...Members } }
            fragment Members on __Type { fields { type { ...Inner } } }
            fragment Inner on __Type { fields { name } }
            """).Cost);
        const string clients = """
            query IntrospectionQuery { __schema { queryType { name } mutationType { name } types { ...FullType } directives { name args { ...InputValue } } } }
            fragment FullType on __Type { kind name fields(includeDeprecated: true) { name args { ...InputValue } type { ...TypeRef } }
              inputFields { ...InputValue } interfaces { ...TypeRef } enumValues(includeDeprecated: true) { name } possibleTypes { ...TypeRef } }
            fragment InputValue on __InputValue { name type { ...TypeRef } defaultValue }
            fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }
            """;
        Assert.Equal(OperationCost.SchemaIntrospectionCost, Estimate(clients).Cost);
    }

    /// <summary>The figures the gateway's README gives: the benchmark's product page, and a hundred products with their variants.</summary>
    [Fact]
    public void TheReadmesFigures_AreTheEstimates()
    {
        Assert.Equal(164, Estimate("""
            query($id: ID!) { product(id: $id) { name price { amount currencyCode } variants { sku title price { amount currencyCode } quantityAvailable }
              rating { average count } reviews(first: 3) { nodes { rating title author { id } } } } }
            """, new() { ["id"] = "p1" }).Cost);
        Assert.Equal(8_201, Estimate("{ products(first: 100) { nodes { name variants { sku price { amount } } } } }").Cost);
    }

    /// <summary>
    /// A connection asked for without <c>first</c> answers the subgraphs' default page (20), so
    /// its nodes count 20 each: an upper bound, whatever depth they are nested at.
    /// </summary>
    [Fact]
    public void AConnectionWithoutFirst_CountsTheSubgraphsDefaultPage()
    {
        // product 1 + reviews (1 + 20 nodes x (1 + title 1))
        Assert.Equal(1 + 1 + 20 * 2, Estimate("""{ product(id: "p1") { reviews { nodes { title } } } }""").Cost);
    }

    [Fact]
    public void Aliases_FragmentsAndTypeConditions_AllCount()
    {
        var once = Estimate("{ products(first: 100) { nodes { name } } }").Cost;
        var aliased = Estimate("{ a: products(first: 100) { nodes { name } } b: products(first: 100) { ...Names } } fragment Names on ProductConnection { nodes { name } }").Cost;

        Assert.Equal(201, once);
        Assert.Equal(2 * once, aliased);
    }

    [Fact]
    public void AFragmentSpreadTwiceInOneSelection_CountsOnce()
    {
        Assert.Equal(Estimate("""{ product(id: "p1") { ...N } } fragment N on Product { name }""").Cost,
            Estimate("""{ product(id: "p1") { ...N ...N } } fragment N on Product { name }""").Cost);
    }

    [Fact]
    public void FragmentsThatDoubleAtEveryLevel_AreCountedWhole_InAWalkOfTheDocumentsLength()
    {
        // Every level asks for two reviews twice over and spreads the next level under each:
        // 4^30 products. A walk that followed every spread would not end; each fragment is
        // walked once per type and slice.
        var levels = string.Join(' ', Enumerable.Range(0, 30).Select(i =>
            $"fragment P{i} on Product {{ reviews(first: 2) {{ nodes {{ product {{ ...P{i + 1} }} }} }} again: reviews(first: 2) {{ nodes {{ product {{ ...P{i + 1} }} }} }} }}"));
        var query = $$"""{ product(id: "p1") { ...P0 } } {{levels}} fragment P30 on Product { name }""";

        var (cost, _) = Estimate(query);

        Assert.True(cost > Math.Pow(4, 30), $"{cost}");
    }

    [Fact]
    public void AValueOfAnAbstractType_CountsAsTheDearestOfItsObjectTypes_WithTheFragmentsThatApplyToIt()
    {
        var document = Parser.Parse("""
            { search { ... on Book { title pages rating } ... on Movie { title } ... on Media { id } ...Ids } }
            fragment Ids on Node { id }
            """);

        var (cost, _) = OperationCost.Estimate(Library.Model.Value, document, document.Definitions.OfType<GraphQLOperationDefinition>().First(), Inputs.Empty);

        // A book: title, pages, rating, id through Media and id through Node (5); a movie 3. Not both.
        Assert.Equal(OperationCost.DefaultListSize * (1 + 5), cost);
    }
}
