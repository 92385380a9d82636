using Npgsql;

namespace Federated.Kit.Hosting;

/// <summary>
/// Positional parameters (<c>$1</c>, <c>$2</c>, …) for hand-written SQL, in the order given;
/// null is SQL null, and an <see cref="NpgsqlParameter"/> is taken as it is (a typed null,
/// <see cref="Text"/>). An array meant as one parameter must be passed as <c>(object)array</c>
/// when it is the only value, or C# spreads it over the <c>params</c>.
/// </summary>
public static class Positional
{
    public static NpgsqlParameterCollection AddValues(this NpgsqlParameterCollection parameters, params object?[] values)
    {
        foreach (var value in values)
            parameters.Add(value as NpgsqlParameter ?? new NpgsqlParameter { Value = value ?? DBNull.Value });
        return parameters;
    }

    /// <summary>
    /// A string that may be null, typed either way: a statement prepared with an untyped null
    /// is prepared again for the next call that has a value there, and the other way round.
    /// </summary>
    public static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text };

    /// <summary>A statement of a batch, with its values.</summary>
    public static NpgsqlBatchCommand Statement(string sql, params object?[] values)
    {
        var statement = new NpgsqlBatchCommand(sql);
        statement.Parameters.AddValues(values);
        return statement;
    }
}
