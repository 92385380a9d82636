using Federated.Gateway;

// Settings and the default supergraph are found from the program's own folder, wherever it is started.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
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
