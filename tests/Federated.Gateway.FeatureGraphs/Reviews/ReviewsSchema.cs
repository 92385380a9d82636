using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Reviews;

/// <summary>
/// Reviews of products (known here by upc only), written by users (known by id and org: a nested key;
/// their username is provided here with @provides), with attachments (a union of a local type and
/// products' movies), sellers known by handle only (the start of the key chain), and review counts
/// for every account through @interfaceObject.
/// </summary>
public sealed class ReviewsSchema : Schema
{
    public ReviewsSchema(IServiceProvider services) : base(services)
    {
        Query = services.GetRequiredService<ReviewsQuery>();
        Mutation = services.GetRequiredService<ReviewsMutation>();
        RegisterType(typeof(ProductType));
        RegisterType(typeof(UserType));
        RegisterType(typeof(BookType));
        RegisterType(typeof(MovieType));
        RegisterType(typeof(AccountObjectType));
    }
}
