using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;

namespace Federated.Gateway.Tests.Http;

public class BananaCakePopTests : IDisposable
{
    private readonly string _ide = Directory.CreateTempSubdirectory("gateway-ide-").FullName;

    [Fact]
    public async Task ABrowserOpeningGraphQL_GetsTheIdeFromTheGatewaysOwnFiles()
    {
        await File.WriteAllTextAsync(Path.Combine(_ide, "index.html"), "<html>bcp</html>");
        Directory.CreateDirectory(Path.Combine(_ide, "static"));
        await File.WriteAllTextAsync(Path.Combine(_ide, "static", "main.js"), "console.log(1)");

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FEDERATED_SUPERGRAPH"] = TestSupergraphs.RepoFile("schema/supergraph.graphql"),
            ["FEDERATED_GATEWAY_IDE_PATH"] = _ide,
        });
        builder.WebHost.UseTestServer();
        builder.AddGateway(new FakeSubgraphs());
        await using var app = builder.Build();
        app.MapGateway();
        await app.StartAsync();
        var client = app.GetTestClient();

        var page = new HttpRequestMessage(HttpMethod.Get, "/graphql");
        page.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        var redirect = await client.SendAsync(page);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal("/graphql/", redirect.Headers.Location!.ToString());

        var slash = new HttpRequestMessage(HttpMethod.Get, "/graphql/");
        slash.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        Assert.Equal("<html>bcp</html>", await (await client.SendAsync(slash)).Content.ReadAsStringAsync());
        Assert.Equal("console.log(1)", await client.GetStringAsync("/graphql/static/main.js"));
        Assert.Contains("useBrowserUrlAsEndpoint", await client.GetStringAsync("/graphql/bcp-config.json"));
        await app.StopAsync();
    }

    public void Dispose() => Directory.Delete(_ide, recursive: true);
}
