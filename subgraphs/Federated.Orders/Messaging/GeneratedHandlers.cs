using System.Reflection;
using Federated.Kit.Hosting;

namespace Federated.Orders.Messaging;

/// <summary>
/// Refuses to start when a message handler has no generated Wolverine class. The handlers'
/// code is generated ahead of time (<c>eng/wolverine-codegen.sh</c>) and Wolverine runs in
/// static mode, which would otherwise fail only when the first message of a new type arrives.
/// Handlers are found as Wolverine finds them: public static <c>Handle</c>/<c>HandleAsync</c>
/// methods of classes named <c>…Handler</c>, the message being the first parameter.
/// </summary>
public sealed class GeneratedHandlers : IStartupTask
{
    public const string Namespace = "Internal.Generated.WolverineHandlers";

    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (Missing(typeof(GeneratedHandlers).Assembly) is { Count: > 0 } missing)
            throw new InvalidOperationException(
                $"No generated Wolverine handler for {string.Join(", ", missing)}: run eng/wolverine-codegen.sh and commit subgraphs/Federated.Orders/Internal/Generated.");
        return Task.CompletedTask;
    }

    /// <summary>The message types handled in <paramref name="assembly"/> that have no generated handler class.</summary>
    public static IReadOnlyList<string> Missing(Assembly assembly)
    {
        var types = assembly.GetTypes();
        var generated = types.Where(t => t.Namespace == Namespace).Select(t => t.Name).ToList();
        return [.. types
            .Where(t => t.IsClass && t.Name.EndsWith("Handler", StringComparison.Ordinal) && t.Namespace != Namespace)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.Name is "Handle" or "HandleAsync" && m.GetParameters().Length > 0)
            .Select(m => m.GetParameters()[0].ParameterType.Name)
            .Distinct()
            .Where(message => !generated.Any(name => name.StartsWith($"{message}Handler", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)];
    }
}
