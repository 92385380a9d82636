using Federated.Catalog;
using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddCatalogServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGraphQLEndpoint();
await app.RunSubgraphAsync();
