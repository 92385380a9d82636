using System.Globalization;
using GraphQL.Types;
using GraphQLParser.AST;

namespace Federated.Kit.Types;

/// <summary>
/// <c>Decimal</c>: an exact decimal number serialized as a string ("19.99"), so no client
/// ever rounds money through a binary float. Input accepts a string or an integer literal.
/// </summary>
public sealed class DecimalType : ScalarGraphType
{
    public DecimalType()
    {
        Name = "Decimal";
        Description = "An exact decimal number, serialized as a string such as \"19.99\".";
    }

    public override object? Serialize(object? value) => value switch
    {
        null => null,
        decimal d => d.ToString(CultureInfo.InvariantCulture),
        _ => ThrowSerializationError(value),
    };

    public override object? ParseValue(object? value) => value switch
    {
        null => null,
        decimal d => d,
        string s => Parse(s),
        int i => (decimal)i,
        long l => (decimal)l,
        _ => ThrowValueConversionError(value),
    };

    public override object? ParseLiteral(GraphQLValue value) => value switch
    {
        GraphQLNullValue => null,
        GraphQLStringValue s => Parse((string)s.Value),
        GraphQLIntValue i => Parse((string)i.Value),
        _ => ThrowLiteralConversionError(value),
    };

    public override bool CanParseLiteral(GraphQLValue value) =>
        value is GraphQLNullValue
        || (value is GraphQLStringValue s && TryParse((string)s.Value, out _))
        || value is GraphQLIntValue;

    public override bool CanParseValue(object? value) =>
        value is null or decimal or int or long || (value is string s && TryParse(s, out _));

    private static decimal Parse(string text) =>
        TryParse(text, out var d) ? d : throw new FormatException($"'{text}' is not a decimal number.");

    private static bool TryParse(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
