using System.Net;
using System.Text;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Transport;
using GraphQL.Types;
using Microsoft.Extensions.DependencyInjection;

namespace Federated.Gateway.Tests.EndToEnd;

/// <summary>
/// Two real GraphQL.NET federation subgraphs in process (the engine the project's subgraphs
/// use), answered through an HTTP handler: proof that the gateway's subgraph operations and
/// representations are what a federation subgraph accepts.
/// </summary>
public sealed class InProcessSubgraphs : HttpMessageHandler
{
    public const string Supergraph = """
        type Query @join__type(graph: CATALOG) @join__type(graph: REVIEWS) {
          product(id: ID!): Product @join__field(graph: CATALOG)
          products: [Product!]! @join__field(graph: CATALOG)
          latestReviews: [Review!]! @join__field(graph: REVIEWS)
        }
        type Product @join__type(graph: CATALOG, key: "id") @join__type(graph: REVIEWS, key: "id") {
          id: ID!
          name: String! @join__field(graph: CATALOG)
          reviews: [Review!]! @join__field(graph: REVIEWS)
        }
        type Review @join__type(graph: REVIEWS) {
          body: String!
          stars: Int!
          product: Product!
        }
        """;

    public static readonly Dictionary<string, string> Products = new() { ["1"] = "Kettle", ["2"] = "Toaster" };
    public static readonly List<(string ProductId, string Body, int Stars)> Reviews = [("1", "Boils fast", 5), ("1", "Loud", 3), ("2", "Burns toast", 1)];

    private readonly Dictionary<string, (IDocumentExecuter<ISchema> Executer, IGraphQLTextSerializer Serializer, IServiceProvider Services)> _subgraphs = new()
    {
        ["catalog"] = Build<CatalogSchema>(),
        ["reviews"] = Build<ReviewsSchema>(),
    };

    public int Requests;

    private static (IDocumentExecuter<ISchema>, IGraphQLTextSerializer, IServiceProvider) Build<TSchema>() where TSchema : Schema
    {
        var services = new ServiceCollection();
        services.AddGraphQL(b => b.AddSchema<TSchema>().AddSystemTextJson().AddFederation("2.3").AddGraphTypes(typeof(InProcessSubgraphs).Assembly));
        var provider = services.BuildServiceProvider();
        return (provider.GetRequiredService<IDocumentExecuter<ISchema>>(), provider.GetRequiredService<IGraphQLTextSerializer>(), provider);
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref Requests);
        var (executer, serializer, services) = _subgraphs[request.RequestUri!.Host];
        var body = serializer.Deserialize<GraphQLRequest>(await request.Content!.ReadAsStringAsync(cancellationToken))!;
        var result = await executer.ExecuteAsync(new ExecutionOptions
        {
            Query = body.Query,
            Variables = body.Variables,
            RequestServices = services,
            CancellationToken = cancellationToken,
        });
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent(serializer.Serialize(result), Encoding.UTF8, "application/graphql-response+json"),
        };
    }
}

public sealed class ProductStub
{
    public ProductStub() { }
    public ProductStub(string id) => Id = id;
    public string Id { get; set; } = "";
}

public sealed class CatalogProductType : ObjectGraphType<ProductStub>
{
    public CatalogProductType()
    {
        Name = "Product";
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(c => InProcessSubgraphs.Products[c.Source.Id]);
        this.ResolveReference<ProductStub>((_, reference) => reference);
    }
}

public sealed class CatalogQuery : ObjectGraphType
{
    public CatalogQuery()
    {
        Name = "Query";
        Field<CatalogProductType>("product").Argument<NonNullGraphType<IdGraphType>>("id")
            .Resolve(c => InProcessSubgraphs.Products.ContainsKey(c.GetArgument<string>("id")) ? new ProductStub(c.GetArgument<string>("id")) : null);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<CatalogProductType>>>>("products")
            .Resolve(_ => InProcessSubgraphs.Products.Keys.Select(id => new ProductStub(id)));
    }
}

public sealed class CatalogSchema : Schema
{
    public CatalogSchema(IServiceProvider services) : base(services) => Query = new CatalogQuery();
}

public sealed record ReviewItem(string ProductId, string Body, int Stars);

public sealed class ReviewsProductType : ObjectGraphType<ProductStub>
{
    public ReviewsProductType()
    {
        Name = "Product";
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(c => c.Source.Id);
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewType>>>>("reviews")
            .Resolve(c => InProcessSubgraphs.Reviews.Where(r => r.ProductId == c.Source.Id).Select(r => new ReviewItem(r.ProductId, r.Body, r.Stars)));
        this.ResolveReference<ProductStub>((_, reference) => reference);
    }
}

public sealed class ReviewType : ObjectGraphType<ReviewItem>
{
    public ReviewType()
    {
        Name = "Review";
        Field<NonNullGraphType<StringGraphType>>("body").Resolve(c => c.Source.Body);
        Field<NonNullGraphType<IntGraphType>>("stars").Resolve(c => c.Source.Stars);
        Field<NonNullGraphType<ReviewsProductType>>("product").Resolve(c => new ProductStub(c.Source.ProductId));
    }
}

public sealed class ReviewsQuery : ObjectGraphType
{
    public ReviewsQuery()
    {
        Name = "Query";
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReviewType>>>>("latestReviews")
            .Resolve(_ => InProcessSubgraphs.Reviews.Select(r => new ReviewItem(r.ProductId, r.Body, r.Stars)));
    }
}

public sealed class ReviewsSchema : Schema
{
    public ReviewsSchema(IServiceProvider services) : base(services)
    {
        Query = new ReviewsQuery();
        RegisterType(new ReviewsProductType());
    }
}
