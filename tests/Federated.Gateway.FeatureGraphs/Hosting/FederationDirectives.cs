using GraphQL;
using GraphQL.Builders;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Hosting;

/// <summary>Federation directives GraphQL.NET 8 has no helper for.</summary>
public static class FederationDirectives
{
    /// <summary>
    /// <c>@override(from: "...", label: "...")</c>, a progressive override (federation 2.7): the
    /// field moves from <paramref name="from"/> for the requests whose <paramref name="label"/> is active.
    /// </summary>
    public static FieldBuilder<TSource, TReturn> ProgressiveOverride<TSource, TReturn>(this FieldBuilder<TSource, TReturn> field, string from, string label)
    {
        field.FieldType.ApplyDirective("override", d => d.AddArgument(new DirectiveArgument("from") { Value = from }).AddArgument(new DirectiveArgument("label") { Value = label }));
        return field;
    }
}
