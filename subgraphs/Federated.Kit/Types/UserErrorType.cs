using Federated.Kit.Errors;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Kit.Types;

public sealed class UserErrorType : ObjectGraphType<UserError>
{
    public UserErrorType()
    {
        Name = "UserError";
        Description = "An expected failure of a mutation: nothing was changed.";
        this.Shareable();
        Field(x => x.Code).Description("A stable, machine-readable code such as OUT_OF_STOCK.");
        Field(x => x.Message);
        Field(x => x.Field, type: typeof(ListGraphType<NonNullGraphType<StringGraphType>>)).Description("The path of the input field at fault, if any.");
    }
}
