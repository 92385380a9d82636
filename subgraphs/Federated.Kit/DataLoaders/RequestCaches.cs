using GraphQL;
using GraphQL.Resolvers;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Federated.Kit.DataLoaders;

/// <summary>A per-request cache of loaded results that a write can make stale.</summary>
public interface IRequestCache
{
    void Clear();
}

/// <summary>
/// The DataLoaders one request has made, so that each mutation field starts with none of
/// what the request loaded before it. A request's mutation fields run one after another, and
/// each writes: without this, the second of
/// <c>a: addAddress(...) { user { addresses } } b: addAddress(...) { user { addresses } }</c>
/// answered the list as the first had loaded it (without the second's address), and a second
/// <c>updateVariant</c> answered its product at the price the first had loaded.
/// </summary>
public sealed class RequestCaches
{
    private readonly List<IRequestCache> _caches = [];

    public void Add(IRequestCache cache)
    {
        lock (_caches)
            _caches.Add(cache);
    }

    public void Clear()
    {
        lock (_caches)
        {
            foreach (var cache in _caches)
                cache.Clear();
        }
    }

    /// <summary>Wraps every field of <paramref name="mutation"/> so that it starts with the request's loaded results forgotten.</summary>
    public static void ClearedBefore(IObjectGraphType mutation)
    {
        foreach (var field in mutation.Fields)
        {
            if (field.Resolver is { } inner)
                field.Resolver = new ClearedFirst(inner);
        }
    }

    private sealed class ClearedFirst(IFieldResolver inner) : IFieldResolver
    {
        public ValueTask<object?> ResolveAsync(IResolveFieldContext context)
        {
            context.RequestServices?.GetService<RequestCaches>()?.Clear();
            return inner.ResolveAsync(context);
        }
    }
}

public static class DataLoaderRegistration
{
    /// <summary>
    /// Registers a DataLoader for each request (scoped), known to the request's
    /// <see cref="RequestCaches"/> so that a mutation field finds nothing loaded before it.
    /// </summary>
    public static IServiceCollection AddDataLoader<T>(this IServiceCollection services) where T : class, IRequestCache
    {
        services.TryAddScoped<RequestCaches>();
        var create = ActivatorUtilities.CreateFactory<T>([]);
        services.AddScoped(sp =>
        {
            var loader = create(sp, null);
            sp.GetRequiredService<RequestCaches>().Add(loader);
            return loader;
        });
        return services;
    }
}
