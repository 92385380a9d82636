using Federated.Gateway;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddCommandLine(args, new Dictionary<string, string>
{
    ["--supergraph"] = "FEDERATED_SUPERGRAPH",
    ["--host"] = "FEDERATED_GATEWAY_HOST",
    ["--port"] = "FEDERATED_GATEWAY_PORT",
});
builder.AddGateway();
var app = builder.Build();
app.MapGateway();
app.Run();

/// <summary>The entry point, visible to in-process tests.</summary>
public partial class Program;
