using Federated.Gateway.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Gateway.Tests.Http;

/// <summary>The gateway service in process (TestServer), its subgraphs answered by <see cref="FakeSubgraphs"/>.</summary>
public sealed class GatewayHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayHost(WebApplication app) => _app = app;

    public HttpClient Client { get; private set; } = null!;
    public SupergraphProvider Provider => _app.Services.GetRequiredService<SupergraphProvider>();

    public static async Task<GatewayHost> StartAsync(string supergraphPath, FakeSubgraphs subgraphs, string environment = "Development", IDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FEDERATED_SUPERGRAPH"] = supergraphPath,
            ["FEDERATED_SUBGRAPH_URL_CATALOG"] = "http://catalog/graphql",
            ["FEDERATED_SUBGRAPH_URL_REVIEWS"] = "http://reviews/graphql",
            ["FEDERATED_SUBGRAPH_URL_USERS"] = "http://users/graphql",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseTestServer();
        builder.AddGateway(subgraphs);
        var app = builder.Build();
        app.MapGateway();
        await app.StartAsync();
        return new GatewayHost(app) { Client = app.GetTestClient() };
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
