using System.Text;
using Federated.Gateway.Supergraph;
using GraphQLParser.AST;
using GraphQLParser.Visitors;
using Xunit.Abstractions;

namespace Federated.Gateway.Tests.Planning;

/// <summary>
/// Every root field of the project's own supergraph, with every field below it to a few
/// levels, must plan: a guard that each schema change stays within what the planner handles.
/// </summary>
public class ProjectSchemaPlanningTests(ITestOutputHelper output)
{
    public static TheoryData<string> RootFields()
    {
        var model = TestSupergraphs.Project();
        var data = new TheoryData<string>();
        foreach (var root in new[] { model.QueryType, model.MutationType })
            if (root is not null)
                foreach (var field in model.Type(root).Fields.Values.Where(f => !f.Inaccessible))
                    data.Add(root + "." + field.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(RootFields))]
    public void EveryRootField_Plans(string rootField)
    {
        var model = TestSupergraphs.Project();
        var (root, name) = (rootField.Split('.')[0], rootField.Split('.')[1]);
        var field = model.Type(root).Fields[name];
        var query = new StringBuilder(root == model.QueryType ? "query " : "mutation ");
        var variables = new List<string>();
        query.Append("{ ");
        AppendField(model, field, query, depth: 0, variables);
        query.Append(" }");
        var text = variables.Count == 0 ? query.ToString() : query.ToString().Replace(root == model.QueryType ? "query " : "mutation ",
            (root == model.QueryType ? "query(" : "mutation(") + string.Join(", ", variables) + ") ");
        output.WriteLine(text);
        var plan = TestSupergraphs.Plan(model, text);
        output.WriteLine(plan.ToString());
        Assert.NotEmpty(plan.Fetches());
    }

    private static void AppendField(SupergraphModel model, FieldDef field, StringBuilder query, int depth, List<string> variables)
    {
        query.Append(field.Name);
        var arguments = Arguments(field, variables);
        if (arguments.Length > 0)
            query.Append('(').Append(arguments).Append(')');
        var type = model.Type(field.NamedType);
        if (type.IsLeaf)
            return;
        query.Append(" { __typename ");
        if (type.IsAbstract)
        {
            foreach (var possible in type.PossibleTypes)
            {
                query.Append("... on ").Append(possible).Append(" { ");
                AppendFields(model, model.Type(possible), query, depth + 1, variables);
                query.Append("} ");
            }
        }
        else
        {
            AppendFields(model, type, query, depth + 1, variables);
        }
        query.Append('}');
    }

    private static void AppendFields(SupergraphModel model, TypeDef type, StringBuilder query, int depth, List<string> variables)
    {
        foreach (var field in type.Fields.Values.Where(f => !f.Inaccessible))
        {
            var isLeaf = model.Type(field.NamedType).IsLeaf;
            if (depth >= 3 && !isLeaf)
                continue;
            AppendField(model, field, query, depth, variables);
            query.Append(' ');
        }
    }

    // Required arguments become variables of their declared type: the planner forwards them.
    private static string Arguments(FieldDef field, List<string> variables)
    {
        var definition = FieldDefinition(field);
        var required = definition?.Arguments?.Items.Where(a => a.Type is GraphQLNonNullType && a.DefaultValue is null).ToList() ?? [];
        var parts = new List<string>();
        foreach (var argument in required)
        {
            var variable = $"v{variables.Count}";
            variables.Add($"${variable}: {new SDLPrinter().Print(argument.Type)}");
            parts.Add($"{argument.Name.StringValue}: ${variable}");
        }
        return string.Join(", ", parts);
    }

    private static readonly Lazy<GraphQLDocument> SupergraphAst = new(() =>
        GraphQLParser.Parser.Parse(File.ReadAllText(TestSupergraphs.RepoFile("schema/supergraph.graphql"))));

    private static GraphQLFieldDefinition? FieldDefinition(FieldDef field)
    {
        foreach (var definition in SupergraphAst.Value.Definitions)
        {
            var (name, fields) = definition switch
            {
                GraphQLObjectTypeDefinition o => (o.Name.StringValue, o.Fields),
                GraphQLInterfaceTypeDefinition i => (i.Name.StringValue, i.Fields),
                _ => (null, null),
            };
            if (name == field.Parent.Name)
                return fields?.Items.FirstOrDefault(f => f.Name.StringValue == field.Name);
        }
        return null;
    }
}
