using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Federated.Kit.Errors;

namespace Federated.Kit.Paging;

/// <summary>
/// Opaque keyset cursors: the sort key of the last row, as JSON, base64url-encoded.
/// Clients must treat them as opaque; a cursor that does not decode is a clear error.
/// </summary>
public static class Cursor
{
    public static string Encode<TKey>(TKey key) =>
        Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(key));

    public static TKey Decode<TKey>(string cursor)
    {
        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor);
            // A NUL hidden in a key gets past the endpoint's check of the request's text, and PostgreSQL refuses it in any query.
            if (Encoding.UTF8.GetString(bytes).Contains("\\u0000", StringComparison.OrdinalIgnoreCase))
                throw new FormatException("A NUL in a cursor's key.");
            return JsonSerializer.Deserialize<TKey>(bytes)
                ?? throw new FormatException("Empty cursor.");
        }
        catch (Exception ex) when (ex is FormatException or JsonException or NotSupportedException or ArgumentException)
        {
            throw new GraphQLFailure(ErrorCodes.InvalidCursor, $"The cursor '{Truncate(cursor)}' is not valid for this list.");
        }
    }

    private static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "...");
}
