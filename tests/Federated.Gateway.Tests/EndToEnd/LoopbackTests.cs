using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Federated.Gateway.Tests.EndToEnd;

/// <summary>The gateway on Kestrel over real loopback sockets, in front of two GraphQL.NET subgraphs on Kestrel.</summary>
public sealed class LoopbackTests : IAsyncLifetime
{
    private readonly string _supergraph = Path.Combine(Path.GetTempPath(), $"loopback-{Guid.NewGuid():N}.graphql");
    private WebApplication? _catalog;
    private WebApplication? _reviews;
    private WebApplication? _gateway;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _catalog = await StartSubgraphAsync<CatalogSchema>();
        _reviews = await StartSubgraphAsync<ReviewsSchema>();
        var sdl = TestSupergraphs.Header.Replace(" mutation: Mutation", "") + """
            enum join__Graph {
              CATALOG @join__graph(name: "catalog", url: "http://127.0.0.1:1/graphql")
              REVIEWS @join__graph(name: "reviews", url: "http://127.0.0.1:1/graphql")
            }
            """ + InProcessSubgraphs.Supergraph;
        await File.WriteAllTextAsync(_supergraph, sdl);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["FEDERATED_SUPERGRAPH"] = _supergraph,
            ["FEDERATED_GATEWAY_PORT"] = "0",
            ["FEDERATED_SUBGRAPH_URL_CATALOG"] = Address(_catalog) + "/graphql",
            ["FEDERATED_SUBGRAPH_URL_REVIEWS"] = Address(_reviews) + "/graphql",
            ["FEDERATED_GATEWAY_SUBGRAPH_TIMEOUT_MS"] = "2000",
        });
        builder.AddGateway();
        _gateway = builder.Build();
        _gateway.MapGateway();
        await _gateway.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(Address(_gateway)) };
    }

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    private static async Task<WebApplication> StartSubgraphAsync<TSchema>() where TSchema : Schema
    {
        var builder = WebApplication.CreateBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddGraphQL(b => b.AddSchema<TSchema>().AddSystemTextJson().AddFederation("2.3").AddGraphTypes(typeof(LoopbackTests).Assembly));
        var app = builder.Build();
        app.MapPost("/graphql", async (HttpContext http, IDocumentExecuter<ISchema> executer, IGraphQLTextSerializer serializer) =>
        {
            var request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
            var result = await executer.ExecuteAsync(new ExecutionOptions
            {
                Query = request!.Query,
                Variables = request.Variables,
                RequestServices = http.RequestServices,
                CancellationToken = http.RequestAborted,
            });
            http.Response.ContentType = "application/graphql-response+json";
            await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
        });
        await app.StartAsync();
        return app;
    }

    private async Task<JsonNode> PostAsync(string query)
    {
        var response = await _client.PostAsync("/graphql", new StringContent(JsonSerializerQuery(query), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }

    private static string JsonSerializerQuery(string query) => new JsonObject { ["query"] = query }.ToJsonString();

    [Fact]
    public async Task ServesAFederatedQueryOverSockets()
    {
        var json = await PostAsync("{ products { name reviews { stars product { name } } } }");
        Assert.Equal(
            """{"products":[{"name":"Kettle","reviews":[{"stars":5,"product":{"name":"Kettle"}},{"stars":3,"product":{"name":"Kettle"}}]},{"name":"Toaster","reviews":[{"stars":1,"product":{"name":"Toaster"}}]}]}""",
            json["data"]!.ToJsonString());
    }

    [Fact]
    public async Task ASubgraphThatIsDown_GivesPartialDataAndAnError()
    {
        await _reviews!.StopAsync();
        var json = await PostAsync("{ product(id: \"1\") { name reviews { stars } } other: product(id: \"2\") { name } }");
        // reviews is non-null: without it the product becomes null; the other product is whole.
        Assert.Equal("""{"product":null,"other":{"name":"Toaster"}}""", json["data"]!.ToJsonString());
        Assert.Equal("reviews", json["errors"]![0]!["extensions"]!["serviceName"]!.GetValue<string>());
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        foreach (var app in new[] { _gateway, _catalog, _reviews })
        {
            if (app is null)
                continue;
            await app.StopAsync();
            await app.DisposeAsync();
        }
        File.Delete(_supergraph);
    }
}
