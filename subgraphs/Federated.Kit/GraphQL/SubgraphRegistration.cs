using System.Text.Encodings.Web;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using GraphQL;
using GraphQL.Execution;
using GraphQL.Types;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Federated.Kit.GraphQL;

public static class SubgraphRegistration
{
    public const string FederationVersion = "2.3";

    /// <summary>
    /// Registers a federated subgraph whose graph types live in the assembly of
    /// <typeparamref name="TQuery"/>: GraphQL.NET with System.Text.Json, Apollo Federation
    /// v2 (<c>_service</c>, <c>_entities</c>), the kit's scalars and error conventions.
    /// </summary>
    public static IHostApplicationBuilder AddSubgraph<TQuery>(this IHostApplicationBuilder builder, string name, Type? mutation = null)
        where TQuery : IObjectGraphType
    {
        var assembly = typeof(TQuery).Assembly;
        var outputTypes = assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsGenericTypeDefinition: false } && typeof(IObjectGraphType).IsAssignableFrom(t))
            .Where(t => t != typeof(TQuery) && t != mutation)
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .ToList();
        builder.AddIdentity();
        builder.Services.AddSingleton(new SubgraphDefinition(name, typeof(TQuery), mutation, outputTypes));
        builder.Services.AddSingleton<ValidatedDocuments>();
        builder.Services.AddSingleton(Admission.FromConfiguration(builder.Configuration));

        // Opt-in, not by environment: ./run.sh runs in Development, and a client of it must no
        // more see a stack trace than one of production.
        var expose = builder.Configuration.GetValue<bool>("GraphQL:ExposeExceptionDetails");
        builder.Services.AddGraphQL(graphql => graphql
            .AddSchema<SubgraphSchema>()
            .AddSystemTextJson(json => json.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping)
            .AddFederation(FederationVersion)
            // Spans name the operation, not its text: a query written with its values inline (a
            // password, a refresh token, a card token) went whole into every collected trace.
            .UseTelemetry(telemetry => telemetry.RecordDocument = false)
            .AddExecutionStrategy<MutationFieldsInTurn>(GraphQLParser.AST.OperationType.Mutation)
            .AddGraphTypes(assembly)
            .AddGraphTypes(typeof(SubgraphRegistration).Assembly)
            .AddErrorInfoProvider(new KitErrorInfoProvider(new ErrorInfoProviderOptions { ExposeExceptionDetails = expose }))
            .AddUnhandledExceptionHandler(context =>
            {
                var logger = context.ExecutionOptions.RequestServices?.GetService<ILoggerFactory>()?.CreateLogger("Federated.GraphQL");
                logger?.LogError(context.OriginalException, "Unhandled error while executing a GraphQL request");
            }));
        return builder;
    }

    /// <summary>The subgraph's SDL as the gateway sees it through <c>_service { sdl }</c>.</summary>
    public static async Task<string> PrintSdlAsync(IServiceProvider services, CancellationToken cancellationToken = default)
    {
        using var scope = services.CreateScope();
        var executer = scope.ServiceProvider.GetRequiredService<IDocumentExecuter<ISchema>>();
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = "{ _service { sdl } }",
            RequestServices = scope.ServiceProvider,
            CancellationToken = cancellationToken,
        });
        if (result.Errors is { Count: > 0 } errors)
            throw new InvalidOperationException($"Could not print the schema: {errors[0].Message}");
        var json = scope.ServiceProvider.GetRequiredService<IGraphQLTextSerializer>().Serialize(result);
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var sdl = document.RootElement.GetProperty("data").GetProperty("_service").GetProperty("sdl").GetString()!;
        return sdl.ReplaceLineEndings("\n").TrimEnd() + "\n";
    }
}
