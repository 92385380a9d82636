using System.Collections.Concurrent;
using GraphQLParser.AST;

namespace Federated.Kit.GraphQL;

/// <summary>
/// Documents that parsed and passed validation against this subgraph's schema, by their text.
/// The gateway sends the same few operations over and over, and the schema does not change
/// while the process runs, so neither parsing nor validation needs to run twice for one text:
/// a cached document is executed with its variables coerced as always, but without the
/// validation rules. Bounded by count and by the text it holds (a document's tree grows with
/// its text): when either is full, it starts over. A text longer than
/// <see cref="MaxCachedLength"/> is not kept at all: the operations sent over and over are a
/// few kilobytes, and 2,000 texts of up to a mebibyte each (aliases by the ten thousand pass
/// validation) held tens of gigabytes.
/// </summary>
public sealed class ValidatedDocuments(int capacity = 2_000, long maxCharacters = 16 * 1024 * 1024)
{
    public const int MaxCachedLength = 64 * 1024;

    private Generation _current = new();

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<string, GraphQLDocument> Documents = new(StringComparer.Ordinal);
        public long Characters;
    }

    public int Count => _current.Documents.Count;

    public bool TryGet(string query, out GraphQLDocument document) => _current.Documents.TryGetValue(query, out document!);

    /// <summary>Remembers a document that has just been validated and executed.</summary>
    public void Add(string query, GraphQLDocument document)
    {
        if (query.Length > MaxCachedLength)
            return;
        var current = _current;
        if (current.Documents.Count >= capacity || Interlocked.Read(ref current.Characters) + query.Length > maxCharacters)
            _current = current = new Generation();
        if (current.Documents.TryAdd(query, document))
            Interlocked.Add(ref current.Characters, query.Length);
    }
}
