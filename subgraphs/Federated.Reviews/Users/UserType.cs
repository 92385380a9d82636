using Federated.Reviews.Reviews;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Reviews.Users;

/// <summary>The users service's account, extended with the reviews its owner wrote.</summary>
public sealed class UserType : ObjectGraphType<UserReference>
{
    public UserType()
    {
        Name = "User";
        this.Key("id");
        Field(u => u.Id, type: typeof(NonNullGraphType<IdGraphType>));
        this.AddReviewsField<UserReference, ReviewsByAuthorDataLoader>(u => u.Id);

        this.ResolveReference<UserReference>((_, reference) => reference);
    }
}

public sealed class UserReference
{
    public string Id { get; set; } = "";
}
