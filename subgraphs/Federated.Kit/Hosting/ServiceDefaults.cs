using Federated.Kit.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Configuration;
using Npgsql;
using OpenTelemetry.Resources;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Federated.Kit.Hosting;

/// <summary>What every service shares: telemetry, structured logs, health endpoints, counters.</summary>
public static class ServiceDefaults
{
    public const string ReadyTag = "ready";
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string CountersPath = "/diagnostics/counters";

    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KitCounters>();
        builder.Services.AddHealthChecks();
        // A request body an endpoint cannot bind is a 400, in Development too (where ASP.NET
        // Core throws instead, and its developer page answered with the stack trace).
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = false);

        builder.Logging.ClearProviders();
        // Marten logs every schema migration statement at Information: keep them at Debug.
        builder.Logging.AddFilter("Marten", LogLevel.Warning);
        if (builder.Environment.IsDevelopment())
            builder.Logging.AddSimpleConsole(o => { o.SingleLine = true; o.TimestampFormat = "HH:mm:ss "; });
        else
            builder.Logging.AddJsonConsole(o => o.UseUtcTimestamp = true);
        // Traces, metrics and logs are collected only where a collector is configured
        // (OTEL_EXPORTER_OTLP_ENDPOINT): recording spans and histograms nobody reads cost every
        // request and every database command CPU.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            return builder;

        builder.Logging.AddOpenTelemetry(o => { o.IncludeFormattedMessage = true; o.IncludeScopes = true; });
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(builder.Environment.ApplicationName))
            .WithTracing(t => t
                .AddAspNetCoreInstrumentation(o => o.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation()
                .AddNpgsql()
                .AddSource("GraphQL"))
            .WithMetrics(m => m
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(KitCounters.MeterName, "Npgsql"))
            .UseOtlpExporter();

        return builder;
    }

    /// <summary>Registers a readiness check for a store the service cannot serve without.</summary>
    public static IHostApplicationBuilder AddReadinessCheck(this IHostApplicationBuilder builder, string name, Func<IServiceProvider, CancellationToken, Task<bool>> probe)
    {
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            name,
            sp => new DelegateHealthCheck(ct => probe(sp, ct)),
            HealthStatus.Unhealthy,
            [ReadyTag],
            TimeSpan.FromSeconds(5)));
        return builder;
    }

    /// <summary>
    /// Liveness (the process answers), readiness (its stores answer, its start-up work is
    /// done) and, where <c>Diagnostics:ExposeCounters</c> is set, the work counters.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        // An exception no endpoint handled is logged and answered as a GraphQL error, with no
        // detail: in Development the developer page would show its stack trace to the caller.
        // A request the server could not read (a malformed chunked body, a body too slow to
        // arrive) keeps the status Kestrel gives it, as a request error.
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
        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = r => r.Tags.Contains(ReadyTag) });
        if (app.Configuration.GetValue<bool>("Diagnostics:ExposeCounters"))
            app.MapGet(CountersPath, (KitCounters counters) => Results.Json(counters.Snapshot()));
        return app;
    }

    private sealed class DelegateHealthCheck(Func<CancellationToken, Task<bool>> probe) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                return await probe(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy();
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy(ex.GetType().Name);
            }
        }
    }
}
