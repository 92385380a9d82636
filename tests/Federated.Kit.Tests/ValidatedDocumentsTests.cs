using Federated.Kit.GraphQL;
using GraphQLParser;

namespace Federated.Kit.Tests;

/// <summary>
/// The subgraphs' cache of validated documents holds the operations sent over and over, and is
/// bounded by what it holds, not only by how many: a thousand large documents (a mebibyte of
/// aliases passes validation) held tens of gigabytes.
/// </summary>
public sealed class ValidatedDocumentsTests
{
    private static readonly GraphQLParser.AST.GraphQLDocument Document = Parser.Parse("{ __typename }");

    private static string Text(int length, char fill) => "{ __typename }" + new string(fill, length - 14);

    [Fact]
    public void AnOperationOfUsualSize_IsKept()
    {
        var documents = new ValidatedDocuments();
        var text = Text(4_000, ' ');

        documents.Add(text, Document);

        Assert.True(documents.TryGet(text, out var found));
        Assert.Same(Document, found);
    }

    [Fact]
    public void AText_LongerThanTheLimit_IsNotKept()
    {
        var documents = new ValidatedDocuments();
        var text = Text(ValidatedDocuments.MaxCachedLength + 1, ' ');

        documents.Add(text, Document);

        Assert.False(documents.TryGet(text, out _));
        Assert.Equal(0, documents.Count);
    }

    [Fact]
    public void TextsPastTheCharacterBudget_StartTheCacheOver_WithinItsCount()
    {
        var documents = new ValidatedDocuments(capacity: 100, maxCharacters: 25_000);
        var (first, second, third) = (Text(10_000, 'a'), Text(10_000, 'b'), Text(10_000, 'c'));

        documents.Add(first, Document);
        documents.Add(second, Document);
        documents.Add(third, Document);

        Assert.False(documents.TryGet(first, out _));
        Assert.False(documents.TryGet(second, out _));
        Assert.True(documents.TryGet(third, out _));
        Assert.Equal(1, documents.Count);
    }

    [Fact]
    public void TheSameTextTwice_IsCountedOnce()
    {
        var documents = new ValidatedDocuments(capacity: 100, maxCharacters: 25_000);
        var (first, second) = (Text(10_000, 'a'), Text(10_000, 'b'));

        documents.Add(first, Document);
        documents.Add(first, Document);
        documents.Add(first, Document);
        documents.Add(second, Document);

        Assert.True(documents.TryGet(first, out _));
        Assert.True(documents.TryGet(second, out _));
    }
}
