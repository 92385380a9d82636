using System.Collections.Concurrent;
using GraphQLParser.AST;

namespace Federated.Kit.GraphQL;

/// <summary>
/// Documents that parsed and passed validation against this subgraph's schema, by their text.
/// The gateway sends the same few operations over and over, and the schema does not change
/// while the process runs, so neither parsing nor validation needs to run twice for one text:
/// a cached document is executed with its variables coerced as always, but without the
/// validation rules. Bounded: when full, it starts over.
/// </summary>
public sealed class ValidatedDocuments(int capacity = 2_000)
{
    private ConcurrentDictionary<string, GraphQLDocument> _documents = new(StringComparer.Ordinal);

    public bool TryGet(string query, out GraphQLDocument document) => _documents.TryGetValue(query, out document!);

    /// <summary>Remembers a document that has just been validated and executed.</summary>
    public void Add(string query, GraphQLDocument document)
    {
        if (_documents.Count >= capacity)
            _documents = new ConcurrentDictionary<string, GraphQLDocument>(StringComparer.Ordinal);
        _documents.TryAdd(query, document);
    }
}
