namespace Federated.Kit.Errors;

/// <summary>An expected failure of a mutation, returned in its payload's <c>errors</c> list.</summary>
public sealed record UserError(string Code, string Message, IReadOnlyList<string>? Field = null);
