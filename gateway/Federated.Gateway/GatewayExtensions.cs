using System.Diagnostics;
using System.Net;
using Federated.Gateway.Execution;
using Federated.Gateway.Http;
using Microsoft.AspNetCore.Diagnostics;

namespace Federated.Gateway;

public static class GatewayExtensions
{
    /// <summary>The gateway's services: options from configuration, pooled subgraph connections, the supergraph and its reloads.</summary>
    public static WebApplicationBuilder AddGateway(this WebApplicationBuilder builder, HttpMessageHandler? subgraphHandler = null)
    {
        var options = GatewayOptions.FromConfiguration(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(options);
        builder.WebHost.UseUrls($"http://{options.Host}:{options.Port}");
        builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });

        builder.Services.AddSingleton(_ => new SubgraphClient(new HttpMessageInvoker(subgraphHandler ?? CreateHandler(), disposeHandler: subgraphHandler is null), options.SubgraphTimeout, options.TimeoutFor));
        builder.Services.AddSingleton<PlanExecutor>();
        builder.Services.AddSingleton<IdeFiles>();
        builder.Services.AddSingleton(AccessTokenVerifier.FromConfiguration(builder.Configuration));
        builder.Services.AddSingleton<SupergraphProvider>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<SupergraphProvider>());
        return builder;
    }

    public static WebApplication MapGateway(this WebApplication app)
    {
        // What no endpoint handled is a GraphQL error with a code, and no stack trace, in every
        // environment (without it: an empty 500, or in Development the exception page): a body
        // Kestrel could not read keeps its status, as BAD_REQUEST.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandler = http =>
            {
                var unreadable = http.Features.Get<IExceptionHandlerFeature>()?.Error as BadHttpRequestException;
                http.Response.StatusCode = unreadable?.StatusCode ?? StatusCodes.Status500InternalServerError;
                http.Response.ContentType = "application/json; charset=utf-8";
                return http.Response.WriteAsync(unreadable is null
                    ? """{"errors":[{"message":"Internal server error.","extensions":{"code":"INTERNAL_SERVER_ERROR"}}]}"""
                    : """{"errors":[{"message":"The request could not be read.","extensions":{"code":"BAD_REQUEST"}}]}""");
            },
        });
        app.UseBananaCakePop();
        app.MapGatewayEndpoint();
        app.MapGet("/health", (SupergraphProvider provider) => provider.IsReady
            ? Results.Json(new { status = "ready", supergraph = provider.Current.Supergraph.Subgraphs.Select(s => new { s.Name, s.Url }), loadedAt = provider.LoadedAt })
            : Results.Json(new { status = "starting" }, statusCode: StatusCodes.Status503ServiceUnavailable));
        return app;
    }

    // One pool of connections per subgraph, kept warm; DNS is re-read every few minutes.
    private static SocketsHttpHandler CreateHandler() => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        MaxConnectionsPerServer = int.MaxValue,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        UseProxy = false,
        AllowAutoRedirect = false,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        EnableMultipleHttp2Connections = true,
        // The client's traceparent is forwarded as sent; the handler must not add a second one.
        ActivityHeadersPropagator = DistributedContextPropagator.CreateNoOutputPropagator(),
    };
}
