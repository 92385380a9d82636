using Federated.Kit.Types;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Kit.GraphQL;

/// <summary>
/// The schema of one subgraph. Every object type of the subgraph's assembly is registered,
/// not only those a root field reaches: GraphQL.NET drops an unreachable entity type, and
/// with it <c>_entities</c> would disappear (see ARCHITECTURE.md).
/// </summary>
public sealed class SubgraphSchema : Schema
{
    public SubgraphSchema(IServiceProvider services, SubgraphDefinition definition) : base(services)
    {
        Query = (IObjectGraphType)services.GetRequiredService(definition.Query);
        if (definition.Mutation is not null)
        {
            Mutation = (IObjectGraphType)services.GetRequiredService(definition.Mutation);
            DataLoaders.RequestCaches.ClearedBefore(Mutation);
        }

        RegisterTypeMapping(typeof(decimal), typeof(DecimalType));
        RegisterTypeMapping(typeof(Money), typeof(MoneyType));
        foreach (var type in definition.OutputTypes)
            RegisterType(type);
    }
}

/// <summary>What a subgraph contributes: its root types and the assembly its types live in.</summary>
public sealed record SubgraphDefinition(string Name, Type Query, Type? Mutation, IReadOnlyList<Type> OutputTypes);
