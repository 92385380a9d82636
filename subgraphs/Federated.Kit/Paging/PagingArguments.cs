using Federated.Kit.Errors;
using GraphQL;

namespace Federated.Kit.Paging;

/// <summary>Validated <c>first</c>/<c>after</c> arguments of a connection field.</summary>
public sealed record PagingArguments(int First, string? After)
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;

    /// <summary>Rows to fetch: one more than the page, to learn whether a next page exists.</summary>
    public int Limit => First + 1;

    public static PagingArguments From(IResolveFieldContext context) =>
        Create(context.GetArgument<int?>("first"), context.GetArgument<string?>("after"));

    public static PagingArguments Create(int? first, string? after)
    {
        var size = first ?? DefaultPageSize;
        if (size < 0)
            throw GraphQLFailure.BadUserInput("'first' must not be negative.");
        if (size > MaxPageSize)
            throw GraphQLFailure.BadUserInput($"'first' must not exceed {MaxPageSize}; page through larger lists with 'after'.");
        return new PagingArguments(size, string.IsNullOrEmpty(after) ? null : after);
    }

    public TKey? AfterKey<TKey>() where TKey : class => After is null ? null : Cursor.Decode<TKey>(After);
}
