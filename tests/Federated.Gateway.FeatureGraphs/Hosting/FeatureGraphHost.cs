using System.Globalization;
using System.Text.Encodings.Web;
using Federated.Gateway.FeatureGraphs.Accounts;
using Federated.Gateway.FeatureGraphs.Data;
using Federated.Gateway.FeatureGraphs.Inventory;
using Federated.Gateway.FeatureGraphs.Products;
using Federated.Gateway.FeatureGraphs.Reviews;
using GraphQL;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Hosting;

/// <summary>
/// Runs every feature subgraph in this one process, each as its own small web application on its
/// own port (a subgraph is a schema of its own, with its own graph types named like the others').
/// They share one <see cref="World"/>, which <c>POST /reset</c> on any of them puts back to the seed.
/// </summary>
public static class FeatureGraphHost
{
    public const string FederationVersion = "2.7";

    private static readonly IReadOnlyDictionary<string, Type> Schemas = new Dictionary<string, Type>
    {
        [FeatureGraphNames.Accounts] = typeof(AccountsSchema),
        [FeatureGraphNames.Products] = typeof(ProductsSchema),
        [FeatureGraphNames.Inventory] = typeof(InventorySchema),
        [FeatureGraphNames.Reviews] = typeof(ReviewsSchema),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var world = new World();
        if (args is ["--export-schema", var directory])
        {
            Directory.CreateDirectory(directory);
            foreach (var name in FeatureGraphNames.All)
            {
                await using var app = Build(name, port: 0, world);
                await File.WriteAllTextAsync(Path.Combine(directory, $"{name}.graphql"), await PrintSdlAsync(app.Services));
            }
            return 0;
        }
        if (args is not ["--ports", var list])
        {
            await Console.Error.WriteLineAsync("usage: --ports accounts=PORT,products=PORT,inventory=PORT,reviews=PORT | --export-schema DIR");
            return 2;
        }

        var ports = list.Split(',').Select(e => e.Split('=')).ToDictionary(e => e[0], e => int.Parse(e[1], CultureInfo.InvariantCulture));
        var apps = ports.Select(p => Build(p.Key, p.Value, world)).ToList();
        await Task.WhenAll(apps.Select(a => a.StartAsync()));
        Console.WriteLine($"feature graphs: {string.Join(", ", ports.Select(p => $"{p.Key} on {p.Value}"))}");
        await Task.WhenAll(apps.Select(a => a.WaitForShutdownAsync()));
        return 0;
    }

    private static WebApplication Build(string name, int port, World world)
    {
        if (!Schemas.TryGetValue(name, out var schema))
            throw new ArgumentException($"No feature subgraph named '{name}'.", nameof(name));
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(world);
        builder.Services.AddSingleton(new Outage(name == FeatureGraphNames.Inventory ? InventoryOutage.Field : null));
        builder.Services.AddGraphQL(graphql => graphql
            .AddSchema(services => (ISchema)ActivatorUtilities.CreateInstance(services, schema))
            .AddSystemTextJson(json => json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping)
            // @interfaceObject is defined by federation 2.3, but GraphQL.NET imports it only when asked.
            .AddFederation(FederationVersion, link => link.Imports["@interfaceObject"] = "@interfaceObject")
            .AddGraphTypes(typeof(FeatureGraphHost).Assembly));
        var app = builder.Build();
        app.MapPost("/graphql", GraphQLEndpoint.HandleAsync);
        app.MapGet("/health", () => Results.Text(name));
        app.MapPost("/reset", (World w) =>
        {
            w.Reset();
            return Results.NoContent();
        });
        return app;
    }

    private static async Task<string> PrintSdlAsync(IServiceProvider services)
    {
        var executer = services.GetRequiredService<IDocumentExecuter<ISchema>>();
        var result = await executer.ExecuteAsync(new ExecutionOptions { Query = "{ _service { sdl } }", RequestServices = services });
        if (result.Errors is { Count: > 0 } errors)
            throw new InvalidOperationException($"Could not print the schema: {errors[0].Message}");
        using var json = System.Text.Json.JsonDocument.Parse(services.GetRequiredService<IGraphQLTextSerializer>().Serialize(result));
        var sdl = json.RootElement.GetProperty("data").GetProperty("_service").GetProperty("sdl").GetString()!;
        return sdl.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }
}
