using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Reviews;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddReviewsServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapGraphQLEndpoint();
await app.RunSubgraphAsync();
