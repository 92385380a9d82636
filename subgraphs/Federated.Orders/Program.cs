using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Orders;
using Federated.Orders.Payments;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrdersServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGraphQLEndpoint();
app.MapPaymentWebhooks();
app.MapSimulatedProvider();
// "codegen write" regenerates the Wolverine handlers' code (eng/wolverine-codegen.sh).
if (args.FirstOrDefault() == "codegen")
    return await JasperFx.CommandLineHostingExtensions.RunJasperFxCommands(app, args);
await app.RunSubgraphAsync();
return 0;
