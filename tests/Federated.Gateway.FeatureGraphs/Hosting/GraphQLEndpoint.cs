using GraphQL;
using GraphQL.Transport;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Hosting;

/// <summary>
/// The smallest GraphQL-over-HTTP endpoint the gateways need: POST with JSON, 200 with JSON. The
/// product subgraphs' full endpoint (Federated.Kit) brings identity and stores these fixtures do not have.
/// </summary>
public static class GraphQLEndpoint
{
    public static async Task HandleAsync(HttpContext http, IDocumentExecuter<ISchema> executer, IGraphQLTextSerializer serializer)
    {
        var request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = request?.Query,
            Variables = request?.Variables,
            OperationName = request?.OperationName,
            Extensions = request?.Extensions,
            RequestServices = http.RequestServices,
            CancellationToken = http.RequestAborted,
        });
        http.Response.ContentType = "application/json";
        await serializer.WriteAsync(http.Response.Body, result, http.RequestAborted);
    }
}
