using Federated.Gateway.FeatureGraphs.Data;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Reviews;

public sealed class ReviewType : ObjectGraphType<ReviewRecord>
{
    public ReviewType()
    {
        Name = "Review";
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("body").Resolve(ctx => ctx.Source.Body);
        Field<NonNullGraphType<IntGraphType>>("rating").Resolve(ctx => ctx.Source.Rating);
        Field<NonNullGraphType<ProductType>>("product").Resolve(ctx => new ProductKey { Upc = ctx.Source.Upc });
        Field<NonNullGraphType<UserType>>("author")
            .Resolve(ctx => ctx.State().Account(ctx.Source.AuthorId))
            .Provides("username");
        // The author again, as this subgraph's @interfaceObject: its concrete type is known only to accounts.
        Field<NonNullGraphType<AccountObjectType>>("authorAccount").Resolve(ctx => new AccountRef { Id = ctx.Source.AuthorId });
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<AttachmentUnion>>>>("attachments")
            .Resolve(ctx => ctx.Source.Attachments.Select(a => a.Kind == "movie" ? new MovieKey { Id = a.Value } : (object)a));
        Field<SellerType>("seller").Resolve(ctx => ctx.Source.SellerHandle is { } handle ? new SellerKey { Handle = handle } : null);
        this.ResolveReference<IdKey, ReviewRecord>((ctx, key) => ctx.State().Reviews.First(r => r.Id == key.Id));
    }
}

/// <summary>Products' product, known here by upc alone: inventory's fields are two hops away (upc to sku through products).</summary>
public sealed class ProductType : ObjectGraphType<ProductKey>
{
    public ProductType()
    {
        Name = "Product";
        this.Key("upc");
        Field<NonNullGraphType<IdGraphType>>("upc").Resolve(ctx => ctx.Source.Upc);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewType>>>>("reviews")
            .Resolve(ctx => ctx.State().Reviews.Where(r => r.Upc == ctx.Source.Upc));
        this.ResolveReference<ProductKey>((_, key) => key);
    }
}

/// <summary>Accounts' user, known here by id and org (a nested key field); the username is served here when provided.</summary>
public sealed class UserType : ObjectGraphType<AccountRecord>
{
    public UserType()
    {
        Name = "User";
        IsTypeOf = value => value is AccountRecord;
        this.Key("id org { id }");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<OrgType>>("org").Resolve(ctx => new IdKey { Id = ctx.Source.OrgId });
        Field<NonNullGraphType<StringGraphType>>("username").Resolve(ctx => ctx.Source.Username).External();
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewType>>>>("reviews")
            .Resolve(ctx => ctx.State().Reviews.Where(r => r.AuthorId == ctx.Source.Id));
        this.ResolveReference<UserKey, AccountRecord>((ctx, key) =>
            ctx.State().Account(key.Id) is { } user && user.OrgId == key.Org?.Id
                ? user
                : throw WorldAccess.Failure($"No user {key.Id} in org {key.Org?.Id}.", "NOT_FOUND"));
    }
}

public sealed class OrgType : ObjectGraphType<IdKey>
{
    public OrgType()
    {
        Name = "Org";
        this.Key("id", resolvable: false);
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
    }
}

/// <summary>Every account (user or administrator) seen as one object type: the reviews subgraph does not know the implementations.</summary>
public sealed class AccountObjectType : ObjectGraphType<AccountRef>
{
    public AccountObjectType()
    {
        Name = "Account";
        this.Key("id");
        this.ApplyDirective("interfaceObject");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<IntGraphType>>("reviewCount").Resolve(ctx => ctx.State().Reviews.Count(r => r.AuthorId == ctx.Source.Id));
        this.ResolveReference<AccountRef>((_, key) => key);
    }
}

public sealed class PhotoType : ObjectGraphType<Attachment>
{
    public PhotoType()
    {
        Name = "Photo";
        Field<NonNullGraphType<StringGraphType>>("url").Resolve(ctx => ctx.Source.Value);
    }
}

/// <summary>Products' movie: a member of this subgraph's <c>Attachment</c> union whose fields live in products.</summary>
public sealed class MovieType : ObjectGraphType<MovieKey>
{
    public MovieType()
    {
        Name = "Movie";
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewType>>>>("reviews")
            .Resolve(ctx => ctx.State().Reviews.Where(r => r.MediaId == ctx.Source.Id));
        this.ResolveReference<MovieKey>((_, key) => key);
    }
}

public sealed class BookType : ObjectGraphType<BookKey>
{
    public BookType()
    {
        Name = "Book";
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewType>>>>("reviews")
            .Resolve(ctx => ctx.State().Reviews.Where(r => r.MediaId == ctx.Source.Id));
        this.ResolveReference<BookKey>((_, key) => key);
    }
}

public sealed class AttachmentUnion : UnionGraphType
{
    public AttachmentUnion()
    {
        Name = "Attachment";
        Type<PhotoType>();
        Type<MovieType>();
    }
}

/// <summary>Products' <c>SearchResult</c> union, with this subgraph's member: the supergraph's union has members from both.</summary>
public sealed class ReviewSearchResultUnion : UnionGraphType
{
    public ReviewSearchResultUnion()
    {
        Name = "SearchResult";
        Type<ReviewType>();
    }
}

public sealed class SellerType : ObjectGraphType<SellerKey>
{
    public SellerType()
    {
        Name = "Seller";
        this.Key("handle", resolvable: false);
        Field<NonNullGraphType<IdGraphType>>("handle").Resolve(ctx => ctx.Source.Handle);
    }
}
