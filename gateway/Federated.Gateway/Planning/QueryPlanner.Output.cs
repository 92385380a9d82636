using System.Text;
using Federated.Gateway.Operations;
using Federated.Gateway.Supergraph;
using GraphQLParser.AST;

namespace Federated.Gateway.Planning;

public sealed partial class QueryPlanner
{
    private sealed partial class Run
    {
        private PlanNode? BuildRoot(bool isMutation)
        {
            var nodes = _roots.Select(Build).ToList();
            if (nodes.Count == 0)
                return null;
            if (nodes.Count == 1)
                return nodes[0];
            return isMutation ? new SequenceNode(nodes) : new ParallelNode(nodes);
        }

        private PlanNode Build(FetchGroup group)
        {
            var fetch = ToFetch(group);
            var plain = group.Children.Where(c => c.Dependencies.Count == 0).Select(Build).ToList();
            // Groups with @requires wait for their parent's other children: their dependencies are among them.
            var dependent = group.Children.Where(c => c.Dependencies.Count > 0).Select(Build).ToList();
            if (plain.Count == 0 && dependent.Count == 0)
                return fetch;
            var sequence = new List<PlanNode> { fetch };
            if (plain.Count > 0)
                sequence.Add(plain.Count == 1 ? plain[0] : new ParallelNode(plain));
            sequence.AddRange(dependent);
            return new SequenceNode(sequence.SelectMany(n => n is SequenceNode inner ? inner.Nodes : [n]).ToList());
        }

        private FetchNode ToFetch(FetchGroup group)
        {
            var variables = new HashSet<string>();
            var body = new StringBuilder();
            var separated = SubgraphSelection.SeparateShapes([group.Selection]);
            group.Selection.Print(body, variables);
            // The entities' own variable takes a name none of the client's variables in this fetch has.
            var representations = RepresentationsVariable(variables);
            if (group.MergePath is not null)
                body.Insert(0, $"{{ _entities(representations: ${representations}) ").Append(" }");

            var query = new StringBuilder(operation.Type == OperationType.Mutation && group.MergePath is null ? "mutation" : "query");
            var definitions = operation.Definition.Variables?.Items.Where(v => variables.Contains(v.Variable.Name.StringValue)).ToList() ?? [];
            if (group.MergePath is not null || definitions.Count > 0)
            {
                query.Append('(');
                var first = true;
                if (group.MergePath is not null)
                {
                    query.Append('$').Append(representations).Append(": [_Any!]!");
                    first = false;
                }
                foreach (var definition in definitions)
                {
                    if (!first)
                        query.Append(", ");
                    first = false;
                    query.Append('$').Append(definition.Variable.Name.StringValue).Append(": ").Append(SelectionPrinter.Print(definition.Type));
                    if (definition.DefaultValue is not null)
                        query.Append(" = ").Append(SelectionPrinter.Print(definition.DefaultValue));
                }
                query.Append(')');
            }
            query.Append(' ').Append(body);

            List<RepresentationShape>? shapes = null;
            if (group.MergePath is not null)
                shapes = group.Shapes.Select(s => new RepresentationShape(
                    s.Key, s.Value.TypenameOverride,
                    s.Value.Fields.Count == 1 ? s.Value.Fields[0] : new SelectionSet(s.Value.Fields[0].TypeName, s.Value.Fields.SelectMany(f => f.Items).ToList()))).ToList();
            return new FetchNode(group.Subgraph, query.ToString(), definitions.Select(d => d.Variable.Name.StringValue).ToList(), group.MergePath, shapes,
                group.MergePath is null ? group.Selection.ResponseKeys.ToList() : null) { HasShapeAliases = separated, RepresentationsVariable = representations };
        }

        /// <summary>
        /// "representations", or, when the client's operation has a variable of that name which the
        /// fetch forwards, the first of "representations_1", "representations_2", … it has not: two
        /// definitions of one variable would make the subgraph refuse the whole fetch.
        /// </summary>
        private static string RepresentationsVariable(HashSet<string> clientVariables)
        {
            var name = "representations";
            for (var i = 1; clientVariables.Contains(name); i++)
                name = $"representations_{i}";
            return name;
        }
    }
}
