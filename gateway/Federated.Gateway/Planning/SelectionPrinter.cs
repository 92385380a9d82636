using System.Text;
using Federated.Gateway.Operations;
using GraphQLParser.AST;
using GraphQLParser.Visitors;

namespace Federated.Gateway.Planning;

/// <summary>Prints selections and argument values as GraphQL text, on one line.</summary>
internal static class SelectionPrinter
{
    private static readonly SDLPrinter Printer = new();

    public static string Print(SelectionSet selectionSet, HashSet<string>? variables = null)
    {
        var sb = new StringBuilder();
        Append(sb, selectionSet, variables);
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, SelectionSet selectionSet, HashSet<string>? variables)
    {
        sb.Append("{ ");
        foreach (var item in selectionSet.Items)
        {
            if (item is FieldSelection field)
            {
                if (field.Alias is not null)
                    sb.Append(field.Alias).Append(": ");
                sb.Append(field.Name);
                AppendArguments(sb, field.Arguments, variables);
                if (field.SelectionSet is not null)
                {
                    sb.Append(' ');
                    Append(sb, field.SelectionSet, variables);
                }
            }
            else if (item is InlineFragmentSelection fragment)
            {
                sb.Append("...");
                if (fragment.TypeCondition is not null)
                    sb.Append(" on ").Append(fragment.TypeCondition);
                sb.Append(' ');
                Append(sb, fragment.SelectionSet, variables);
            }
            sb.Append(' ');
        }
        sb.Append('}');
    }

    public static void AppendArguments(StringBuilder sb, GraphQLArguments? arguments, HashSet<string>? variables)
    {
        if (arguments is null || arguments.Items.Count == 0)
            return;
        sb.Append('(');
        for (var i = 0; i < arguments.Items.Count; i++)
        {
            if (i > 0)
                sb.Append(", ");
            var argument = arguments.Items[i];
            sb.Append(argument.Name.StringValue).Append(": ").Append(Printer.Print(argument.Value));
            if (variables is not null)
                CollectVariables(argument.Value, variables);
        }
        sb.Append(')');
    }

    public static string Print(ASTNode node) => Printer.Print(node);

    private static void CollectVariables(GraphQLValue value, HashSet<string> variables)
    {
        switch (value)
        {
            case GraphQLVariable variable:
                variables.Add(variable.Name.StringValue);
                break;
            case GraphQLListValue list:
                foreach (var item in list.Values ?? [])
                    CollectVariables(item, variables);
                break;
            case GraphQLObjectValue obj:
                foreach (var field in obj.Fields ?? [])
                    CollectVariables(field.Value, variables);
                break;
        }
    }
}
