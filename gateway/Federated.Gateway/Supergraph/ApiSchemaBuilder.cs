using GraphQL.Types;
using GraphQLParser.AST;
using GraphQLParser.Visitors;

namespace Federated.Gateway.Supergraph;

/// <summary>
/// The API schema: the supergraph without its <c>join__</c>/<c>link__</c> machinery,
/// federation directives and <c>@inaccessible</c> elements, as a GraphQL.NET schema that
/// validates operations and answers introspection.
/// </summary>
public static class ApiSchemaBuilder
{
    private static readonly HashSet<string> KeptDirectives = ["deprecated", "specifiedBy", "oneOf"];
    private static readonly HashSet<string> SpecScalars = ["Int", "Float", "String", "Boolean", "ID"];

    public static (ISchema Schema, string Sdl) Build(GraphQLDocument supergraph)
    {
        var definitions = new List<ASTNode>();
        var customScalars = new List<string>();
        var inaccessibleTypes = supergraph.Definitions.OfType<GraphQLTypeDefinition>().Where(d => d is IHasDirectivesNode)
            .Where(d => SupergraphParser.HasInaccessible(((IHasDirectivesNode)d).Directives)).Select(d => d.Name.StringValue).ToHashSet();

        foreach (var definition in supergraph.Definitions)
        {
            switch (definition)
            {
                case GraphQLSchemaDefinition schemaDefinition:
                    schemaDefinition.Directives = null;
                    definitions.Add(schemaDefinition);
                    break;
                case GraphQLDirectiveDefinition:
                    // Federation's and link's directives are not part of the API.
                    break;
                case GraphQLTypeDefinition type when SupergraphParser.IsMachinery(type.Name.StringValue) || inaccessibleTypes.Contains(type.Name.StringValue):
                    break;
                case GraphQLTypeDefinition type:
                    Strip(type, inaccessibleTypes);
                    if (type is GraphQLScalarTypeDefinition scalar && !SpecScalars.Contains(scalar.Name.StringValue))
                        customScalars.Add(scalar.Name.StringValue);
                    definitions.Add(type);
                    break;
            }
        }

        // GraphQL.NET checks an implementation's covariant field (Tool.similar: Tool for Item.similar: Item)
        // only against interfaces it has met already: interfaces go last, the most derived first.
        definitions = [
            .. definitions.Where(d => d is not GraphQLInterfaceTypeDefinition),
            .. definitions.OfType<GraphQLInterfaceTypeDefinition>().OrderByDescending(i => i.Interfaces?.Items.Count ?? 0),
        ];
        var api = new GraphQLDocument(definitions);
        var sdl = new SDLPrinter().Print(api);
        // Abstract types need a type resolver to pass GraphQL.NET's schema checks; the API
        // schema only answers introspection, which never resolves one.
        var objectTypes = definitions.OfType<GraphQLObjectTypeDefinition>().Select(d => d.Name.StringValue).ToList();
        var schema = Schema.For(sdl, builder =>
        {
            foreach (var name in objectTypes)
                builder.Types.For(name).IsTypeOfFunc = _ => false;
        });
        foreach (var name in customScalars)
            schema.RegisterType(new PassThroughScalarGraphType(name));
        try
        {
            schema.Initialize();
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            throw new SupergraphException($"The API schema is not valid: {ex.Message}");
        }
        return (schema, sdl);
    }

    private static void Strip(GraphQLTypeDefinition type, HashSet<string> inaccessibleTypes)
    {
        ((IHasDirectivesNode)type).Directives = Keep(((IHasDirectivesNode)type).Directives);
        switch (type)
        {
            case GraphQLObjectTypeDefinition obj:
                obj.Interfaces = KeepInterfaces(obj.Interfaces, inaccessibleTypes);
                StripFields(obj.Fields);
                break;
            case GraphQLInterfaceTypeDefinition iface:
                iface.Interfaces = KeepInterfaces(iface.Interfaces, inaccessibleTypes);
                StripFields(iface.Fields);
                break;
            case GraphQLUnionTypeDefinition union when union.Types is not null:
                union.Types.Items = union.Types.Items.Where(t => !inaccessibleTypes.Contains(t.Name.StringValue)).ToList();
                break;
            case GraphQLEnumTypeDefinition enumType when enumType.Values is not null:
                enumType.Values.Items = enumType.Values.Items.Where(v => !SupergraphParser.HasInaccessible(v.Directives)).ToList();
                foreach (var value in enumType.Values.Items)
                    value.Directives = Keep(value.Directives);
                break;
            case GraphQLInputObjectTypeDefinition input when input.Fields is not null:
                input.Fields.Items = StripInputValues(input.Fields.Items);
                break;
        }
    }

    private static void StripFields(GraphQLFieldsDefinition? fields)
    {
        if (fields is null)
            return;
        fields.Items = fields.Items.Where(f => !SupergraphParser.HasInaccessible(f.Directives)).ToList();
        foreach (var field in fields.Items)
        {
            field.Directives = Keep(field.Directives);
            if (field.Arguments is not null)
            {
                field.Arguments.Items = StripInputValues(field.Arguments.Items);
                // Every argument inaccessible: the field has none (an empty list is no valid SDL).
                if (field.Arguments.Items.Count == 0)
                    field.Arguments = null;
            }
        }
    }

    private static List<GraphQLInputValueDefinition> StripInputValues(List<GraphQLInputValueDefinition> values)
    {
        var kept = values.Where(v => !SupergraphParser.HasInaccessible(v.Directives)).ToList();
        foreach (var value in kept)
            value.Directives = Keep(value.Directives);
        return kept;
    }

    private static GraphQLImplementsInterfaces? KeepInterfaces(GraphQLImplementsInterfaces? interfaces, HashSet<string> inaccessibleTypes)
    {
        if (interfaces is null)
            return null;
        interfaces.Items = interfaces.Items.Where(i => !inaccessibleTypes.Contains(i.Name.StringValue)).ToList();
        return interfaces.Items.Count == 0 ? null : interfaces;
    }

    private static GraphQLDirectives? Keep(GraphQLDirectives? directives)
    {
        if (directives is null)
            return null;
        directives.Items = directives.Items.Where(d => KeptDirectives.Contains(d.Name.StringValue)).ToList();
        return directives.Items.Count == 0 ? null : directives;
    }
}

/// <summary>
/// A custom scalar the gateway does not interpret: any value is accepted and passed on
/// as sent; the subgraph that owns the scalar validates it.
/// </summary>
public sealed class PassThroughScalarGraphType : ScalarGraphType
{
    public PassThroughScalarGraphType(string name) => Name = name;
    public override object? ParseLiteral(GraphQLValue value) => value;
    public override object? ParseValue(object? value) => value;
    public override bool CanParseLiteral(GraphQLValue value) => true;
    public override bool CanParseValue(object? value) => true;
    public override bool IsValidDefault(object value) => true;
    public override object? Serialize(object? value) => value;
}
