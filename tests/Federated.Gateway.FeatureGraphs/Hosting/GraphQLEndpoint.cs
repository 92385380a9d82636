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
    public static async Task HandleAsync(HttpContext http, IDocumentExecuter<ISchema> executer, IGraphQLTextSerializer serializer, Outage outage)
    {
        var request = await serializer.ReadAsync<GraphQLRequest>(http.Request.Body, http.RequestAborted);
        if (outage.Field is { } field && request?.Query?.Contains(field, StringComparison.Ordinal) == true)
        {
            // The whole request fails, as when a subgraph is down: no GraphQL response at all.
            http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }
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

/// <summary>
/// A field served by something that is down: a request that asks for it fails whole (HTTP 503), so the
/// gateways' handling of a failed fetch (not of an error inside a response) can be compared.
/// </summary>
public sealed record Outage(string? Field);
