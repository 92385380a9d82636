using GraphQLParser.AST;

namespace Federated.Gateway.Supergraph;

internal static class TypeExtensions
{
    public static string NamedTypeName(this GraphQLType type) => type switch
    {
        GraphQLNamedType named => named.Name.StringValue,
        GraphQLNonNullType nonNull => nonNull.Type.NamedTypeName(),
        GraphQLListType list => list.Type.NamedTypeName(),
        _ => throw new InvalidOperationException("Unknown type node."),
    };

    public static bool IsListType(this GraphQLType type) => type switch
    {
        GraphQLNonNullType nonNull => nonNull.Type.IsListType(),
        GraphQLListType => true,
        _ => false,
    };
}
