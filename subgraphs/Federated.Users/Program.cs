using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Users;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddUsersServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGraphQLEndpoint();
await app.RunSubgraphAsync();
