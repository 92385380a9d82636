using System.Text;
using System.Text.Json.Nodes;

namespace Federated.Gateway.Tests.Http;

public class SupergraphReloadTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("gateway-reload-").FullName;

    private static string Supergraph(string field) => TestSupergraphs.Header.Replace(" mutation: Mutation", "") + $$"""
        enum join__Graph { CATALOG @join__graph(name: "catalog", url: "http://catalog/graphql") }
        type Query @join__type(graph: CATALOG) { {{field}}: String }
        """;

    private static FakeSubgraphs Subgraphs() => new FakeSubgraphs().On("catalog", body =>
        body["query"]!.GetValue<string>().Contains("hello") ? """{"data":{"hello":"hi"}}""" : """{"data":{"bye":"ciao"}}""");

    private async Task<string> Ask(GatewayHost host, string query)
    {
        var response = await host.Client.PostAsync("/graphql", new StringContent($$"""{"query":"{{query}}"}""", Encoding.UTF8, "application/json"));
        return await response.Content.ReadAsStringAsync();
    }

    private async Task Replace(string path, string text)
    {
        // As the composer should: write elsewhere, then rename into place.
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, text);
        File.Move(temporary, path, overwrite: true);
    }

    [Fact]
    public async Task ABrokenSupergraph_IsRefused_AndTheOldOneKeepsServing()
    {
        var path = Path.Combine(_directory, "supergraph.graphql");
        await File.WriteAllTextAsync(path, Supergraph("hello"));
        await using var host = await GatewayHost.StartAsync(path, Subgraphs());

        await Replace(path, "type Query {");
        Assert.False(host.Provider.Reload());
        Assert.Equal("""{"data":{"hello":"hi"}}""", await Ask(host, "{ hello }"));
    }

    [Fact]
    public async Task AChangedSupergraph_IsPickedUpByTheWatcher()
    {
        var path = Path.Combine(_directory, "supergraph.graphql");
        await File.WriteAllTextAsync(path, Supergraph("hello"));
        await using var host = await GatewayHost.StartAsync(path, Subgraphs());
        Assert.Equal("""{"data":{"hello":"hi"}}""", await Ask(host, "{ hello }"));

        await Replace(path, Supergraph("bye"));
        string answer = "";
        for (var i = 0; i < 50; i++)
        {
            answer = await Ask(host, "{ bye }");
            if (JsonNode.Parse(answer)!["data"] is not null)
                break;
            await Task.Delay(100);
        }
        Assert.Equal("""{"data":{"bye":"ciao"}}""", answer);
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
