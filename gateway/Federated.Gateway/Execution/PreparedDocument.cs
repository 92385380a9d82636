using System.Collections.Concurrent;
using Federated.Gateway.Planning;
using GraphQLParser.AST;

namespace Federated.Gateway.Execution;

/// <summary>
/// A parsed operation cached by document text and operation name, with its plans: one per
/// combination of the @skip/@include variables' values and of the active progressive override labels.
/// </summary>
public sealed class PreparedDocument(GraphQLDocument? document, GraphQLOperationDefinition? operation, string? error, IReadOnlyList<string> conditionVariables)
{
    public GraphQLDocument? Document { get; } = document;
    public GraphQLOperationDefinition? Operation { get; } = operation;
    /// <summary>Why the document cannot run (syntax, or no such operation); null when it can.</summary>
    public string? Error { get; } = error;
    public IReadOnlyList<string> ConditionVariables { get; } = conditionVariables;
    /// <summary>The error's <c>extensions.code</c>, when there is an error.</summary>
    public string? ErrorCode { get; init; }
    /// <summary>Where a syntax error is, when there is one.</summary>
    public (int Line, int Column)? ErrorLocation { get; init; }
    /// <summary>Set once GraphQL.NET's validation rules passed; later requests only check their variables.</summary>
    public volatile bool RulesPassed;
    /// <summary>The operation's cost estimate (<see cref="Operations.OperationCost"/>), once made, when it does not depend on variables.</summary>
    public double? Cost { get; set; }
    public ConcurrentDictionary<(ulong Conditions, int Variant), QueryPlan> Plans { get; } = new();
}
