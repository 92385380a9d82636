using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Orders;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOrdersServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGraphQLEndpoint();
await app.RunSubgraphAsync();
