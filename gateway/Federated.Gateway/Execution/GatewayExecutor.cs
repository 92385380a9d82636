using System.Text.Json;
using Federated.Gateway.Operations;
using Federated.Gateway.Planning;
using Federated.Gateway.Supergraph;
using GraphQL;
using GraphQL.SystemTextJson;
using GraphQL.Validation;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;

namespace Federated.Gateway.Execution;

/// <summary>A GraphQL request as the gateway receives it; variables stay raw JSON so they are forwarded as sent.</summary>
public sealed record GatewayRequest(string Query, string? OperationName, JsonElement Variables);

/// <summary>
/// One supergraph's request pipeline: parse (cached), validate with GraphQL.NET, plan
/// (cached), execute, complete. Replaced whole when the supergraph is reloaded.
/// </summary>
/// <param name="overrideLabels">The progressive override labels, other than percent labels, this gateway turns on.</param>
/// <param name="overrideDraw">A draw in [0, 1) for every request's percent labels instead of a random one (tests).</param>
/// <param name="maxCost">The <see cref="OperationCost"/> estimate above which an operation is refused; 0 for no limit.</param>
public sealed class GatewayExecutor(SupergraphModel supergraph, PlanExecutor executor, int cacheSize = 1024,
    IReadOnlySet<string>? overrideLabels = null, double? overrideDraw = null, int maxCost = OperationCost.DefaultLimit)
{
    // Apollo's code for an operation its demand control refuses.
    private const string TooExpensive = "COST_ESTIMATED_TOO_EXPENSIVE";
    private const int MaxPlansPerDocument = 16;
    private const string ParseFailed = "GRAPHQL_PARSE_FAILED";
    // A valid document whose operation to run cannot be told: Apollo's code, which the reference gateway uses too.
    private const string OperationResolutionFailure = "OPERATION_RESOLUTION_FAILURE";
    private static readonly GraphQLSerializer Serializer = new();
    // Locations are kept: validation errors point into the client's document.
    private static readonly ParserOptions ParserOptions = new() { Ignore = IgnoreOptions.Comments };
    private readonly BoundedCache<(string Query, string? OperationName), PreparedDocument> _documents = new(cacheSize);
    // Which progressive overrides hold for a request, and a planner per set of active labels a
    // request can have, each over its own view of the supergraph, built when the supergraph is
    // loaded. A supergraph without override labels has one planner, over itself.
    private readonly (ProgressiveOverride Chooser, QueryPlanner[] Planners) _override = Planners(supergraph, overrideLabels, overrideDraw);
    private readonly DocumentValidator _validator = new();
    private readonly LocalIntrospection _introspection = new();

    public SupergraphModel Supergraph { get; } = supergraph;

    /// <summary>The operation's type, or null when the document cannot be parsed or has no such operation.</summary>
    public OperationType? OperationTypeOf(GatewayRequest request) => Prepare(request).Operation?.Operation;

    public async Task<GatewayResult> ExecuteAsync(GatewayRequest request, ForwardedHeaders headers, CancellationToken cancellationToken)
    {
        var prepared = Prepare(request);
        if (prepared.Error is not null)
            return new GatewayResult
            {
                Executed = false,
                Errors =
                [
                    GatewayError.Coded(prepared.Error, prepared.ErrorCode ?? "GRAPHQL_VALIDATION_FAILED") with
                    {
                        Locations = prepared.ErrorLocation is { } location ? [location] : null,
                    },
                ],
            };

        // A document that passed the rules once is only checked for its variables' values;
        // one without variables is not checked again at all.
        var inputs = Inputs.Empty;
        if (!prepared.RulesPassed || prepared.Operation!.Variables is { Items.Count: > 0 })
        {
            if (request.Variables.ValueKind == JsonValueKind.Object)
            {
                try
                {
                    inputs = Serializer.ReadNode<Inputs>(request.Variables) ?? Inputs.Empty;
                }
                catch (Exception ex) when (ex is ArgumentException or NotImplementedException or JsonException or FormatException or OverflowException)
                {
                    // A variable named twice, a number no type holds: the request's fault, not
                    // the gateway's (an internal error and a 500 before; found by a review).
                    return GatewayResult.RequestError("The variables cannot be read: each must be named once, with a value JSON can carry.", "BAD_REQUEST");
                }
            }
            var validation = await _validator.ValidateAsync(new ValidationOptions
            {
                Schema = Supergraph.ApiSchema,
                Document = prepared.Document!,
                Operation = prepared.Operation!,
                Rules = prepared.RulesPassed ? [] : DocumentValidator.CoreRules,
                Variables = inputs,
                CancellationToken = cancellationToken,
            });
            if (!validation.IsValid)
                return InvalidRequest(validation);
            prepared.RulesPassed = true;
        }

        if (maxCost > 0 && Cost(prepared, inputs) is var cost && cost > maxCost)
            return new GatewayResult
            {
                Executed = false,
                Errors =
                [
                    GatewayError.Coded(double.IsPositiveInfinity(cost)
                        ? "The operation's introspection asks for a type's members inside themselves (the fields of its fields' types): ask for them once."
                        : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                            $"The operation could ask for about {cost:N0} values, over the limit of {maxCost:N0}: ask for fewer items per list, or fewer lists."), TooExpensive),
                ],
            };

        QueryPlan plan;
        try
        {
            plan = PlanFor(prepared, request.Variables, _override.Chooser.Choose());
        }
        catch (PlanningException ex)
        {
            return new GatewayResult { Executed = false, Errors = [GatewayError.Coded(ex.Message, "QUERY_PLANNING_FAILED")] };
        }

        var state = new ExecutionState(Supergraph, request.Variables, headers);
        var introspection = plan.HasIntrospection ? _introspection.AnswerAsync(plan, prepared.Document!, inputs, state, cancellationToken) : Task.CompletedTask;
        await executor.ExecuteAsync(plan, state, cancellationToken);
        await introspection;

        var complete = ResultCompleter.Complete(state.Data, plan.Operation.SelectionSet, plan.Operation.RootType, Supergraph, state.Errors);
        return new GatewayResult { Executed = true, State = state, Plan = plan, DataIsNull = !complete, Errors = state.Errors };
    }

    /// <summary>The operation's estimate for these variables; remembered when it does not depend on them.</summary>
    private double Cost(PreparedDocument prepared, Inputs inputs)
    {
        if (prepared.Cost is { } known)
            return known;
        var (cost, usesVariables) = OperationCost.Estimate(Supergraph, prepared.Document!, prepared.Operation!, inputs);
        if (!usesVariables)
            prepared.Cost = cost;
        return cost;
    }

    // A variable's value that does not fit its type is the client's input, as the subgraphs and
    // Apollo Server report it; everything else the rules find is a validation failure.
    private static GatewayResult InvalidRequest(IValidationResult validation) => new()
    {
        Executed = false,
        Errors = validation.Errors.Select(e => GatewayError.Coded(e.Message, e is InvalidVariableError ? "BAD_USER_INPUT" : "GRAPHQL_VALIDATION_FAILED") with
        {
            Locations = e.Locations?.Select(l => (l.Line, l.Column)).ToList(),
        }).ToList(),
    };

    private PreparedDocument Prepare(GatewayRequest request) =>
        _documents.GetOrAdd((request.Query, request.OperationName), key => PrepareCore(key.Query, key.OperationName));

    private static PreparedDocument PrepareCore(string query, string? operationName)
    {
        GraphQLDocument document;
        try
        {
            document = Parser.Parse(query, ParserOptions);
        }
        catch (GraphQLSyntaxErrorException ex)
        {
            return new PreparedDocument(null, null, $"Syntax error: {ex.Description}", []) { ErrorLocation = (ex.Location.Line, ex.Location.Column), ErrorCode = ParseFailed };
        }
        catch (GraphQLMaxDepthExceededException)
        {
            return new PreparedDocument(null, null, "The document is nested too deeply.", []) { ErrorCode = ParseFailed };
        }
        var operations = document.Definitions.OfType<GraphQLOperationDefinition>().ToList();
        GraphQLOperationDefinition? operation;
        string? error = null;
        string? code = null;
        if (operationName is null)
        {
            operation = operations.Count == 1 ? operations[0] : null;
            if (operation is null)
            {
                error = operations.Count == 0 ? "The document has no operation." : "The document has several operations: operationName is required.";
                code = operations.Count == 0 ? null : OperationResolutionFailure;
            }
        }
        else
        {
            operation = operations.FirstOrDefault(o => o.Name?.StringValue == operationName);
            if (operation is null)
                (error, code) = ($"Unknown operation named '{operationName}'.", OperationResolutionFailure);
        }
        if (operation?.Operation == OperationType.Subscription)
            error = "Subscriptions are not supported by this gateway.";
        return new PreparedDocument(document, error is null ? operation : null, error, OperationNormalizer.ConditionVariables(document)) { ErrorCode = code };
    }

    private QueryPlan PlanFor(PreparedDocument prepared, JsonElement variables, int variant)
    {
        ulong conditions = 0;
        for (var i = 0; i < prepared.ConditionVariables.Count && i < 64; i++)
            if (ConditionValue(prepared, prepared.ConditionVariables[i], variables))
                conditions |= 1UL << i;
        if (prepared.ConditionVariables.Count > 64)
            return PlanCore(prepared, variables, variant);
        // Each combination of condition values (and of active override labels) is a plan: a
        // document with many of them gets its first few cached and is planned per request after that.
        var key = (conditions, variant);
        if (prepared.Plans.Count >= MaxPlansPerDocument && !prepared.Plans.ContainsKey(key))
            return PlanCore(prepared, variables, variant);
        return prepared.Plans.GetOrAdd(key, static (key, state) => state.Self.PlanCore(state.Prepared, state.Variables, key.Variant), (Self: this, Prepared: prepared, Variables: variables));
    }

    private QueryPlan PlanCore(PreparedDocument prepared, JsonElement variables, int variant)
    {
        var planner = _override.Planners[variant];
        var operation = OperationNormalizer.Normalize(planner.Supergraph, prepared.Document!, prepared.Operation!, name => ConditionValue(prepared, name, variables));
        return planner.Plan(operation);
    }

    private static (ProgressiveOverride, QueryPlanner[]) Planners(SupergraphModel supergraph, IReadOnlySet<string>? enabled, double? draw)
    {
        var chooser = new ProgressiveOverride(supergraph.OverrideLabels, enabled ?? new HashSet<string>(), draw);
        return (chooser, [.. chooser.Variants.Select(active => new QueryPlanner(supergraph.WithActiveOverrideLabels(active)))]);
    }

    private static bool ConditionValue(PreparedDocument prepared, string name, JsonElement variables)
    {
        if (variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty(name, out var value))
            return value.ValueKind == JsonValueKind.True;
        var definition = prepared.Operation!.Variables?.Items.FirstOrDefault(v => v.Variable.Name.StringValue == name);
        return definition?.DefaultValue is GraphQLBooleanValue { BoolValue: true };
    }
}
