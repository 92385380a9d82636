using System.Text.Json;
using System.Text.Json.Nodes;
using Federated.Gateway.Planning;

namespace Federated.Gateway.Execution;

/// <summary>The outcome of one GraphQL request, ready to be written as a GraphQL response.</summary>
public sealed class GatewayResult
{
    /// <summary>False for a request error (syntax, validation, variables): no data entry, HTTP 400 under graphql-response+json.</summary>
    public bool Executed { get; init; }
    public ExecutionState? State { get; init; }
    /// <summary>Whether the data as a whole became null by null propagation.</summary>
    public bool DataIsNull { get; init; }
    public QueryPlan? Plan { get; init; }
    public required IReadOnlyList<GatewayError> Errors { get; init; }

    public static GatewayResult RequestError(string message, string code = "GRAPHQL_VALIDATION_FAILED") =>
        new() { Executed = false, Errors = [GatewayError.Coded(message, code)] };

    public void WriteTo(Utf8JsonWriter writer, bool includePlan)
    {
        writer.WriteStartObject();
        if (Errors.Count > 0)
        {
            writer.WriteStartArray("errors");
            foreach (var error in Errors)
                WriteError(writer, error);
            writer.WriteEndArray();
        }
        if (Executed && State is not null && Plan is not null)
        {
            writer.WritePropertyName("data");
            if (DataIsNull)
                writer.WriteNullValue();
            else
                ResultCompleter.Write(writer, State.Data, Plan.Operation.SelectionSet, Plan.Operation.RootType, State.Supergraph);
        }
        if (includePlan && Plan is not null)
        {
            writer.WriteStartObject("extensions");
            writer.WriteString("queryPlan", Plan.ToString());
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
    }

    private static void WriteError(Utf8JsonWriter writer, GatewayError error)
    {
        writer.WriteStartObject();
        writer.WriteString("message", error.Message);
        if (error.Locations is { Count: > 0 })
        {
            writer.WriteStartArray("locations");
            foreach (var (line, column) in error.Locations)
            {
                writer.WriteStartObject();
                writer.WriteNumber("line", line);
                writer.WriteNumber("column", column);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        if (error.Path is { Count: > 0 })
        {
            writer.WriteStartArray("path");
            foreach (var segment in error.Path)
            {
                if (segment is int index)
                    writer.WriteNumberValue(index);
                else
                    writer.WriteStringValue(segment.ToString());
            }
            writer.WriteEndArray();
        }
        if (error.Extensions is { Count: > 0 } extensions)
        {
            writer.WritePropertyName("extensions");
            extensions.WriteTo(writer);
        }
        writer.WriteEndObject();
    }
}
