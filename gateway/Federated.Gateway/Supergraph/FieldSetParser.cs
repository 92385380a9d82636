using Federated.Gateway.Operations;
using GraphQLParser;
using GraphQLParser.AST;

namespace Federated.Gateway.Supergraph;

/// <summary>Reads a <c>join__FieldSet</c> ("id", "sku product { id }") as a selection on a type.</summary>
public static class FieldSetParser
{
    public static SelectionSet Parse(SupergraphModel model, string typeName, string fieldSet)
    {
        GraphQLDocument document;
        try
        {
            document = Parser.Parse("{" + fieldSet + "}");
        }
        catch (GraphQLParser.Exceptions.GraphQLSyntaxErrorException ex)
        {
            throw new SupergraphException($"Field set '{fieldSet}' on {typeName} is not valid: {ex.Message}");
        }
        var operation = (GraphQLOperationDefinition)document.Definitions[0];
        try
        {
            return OperationNormalizer.NormalizeSelectionSet(model, operation.SelectionSet, typeName, fragments: null, conditionVariable: null);
        }
        catch (InvalidOperationException ex)
        {
            throw new SupergraphException($"Field set '{fieldSet}' on {typeName}: {ex.Message}");
        }
    }
}
