using Federated.Kit.Errors;
using Federated.Kit.Types;
using Federated.Users.Data;
using Federated.Users.Users;
using GraphQL.Types;

namespace Federated.Users.Accounts;

public sealed record AuthPayload(string? Token, DateTimeOffset? TokenExpiresAt, string? RefreshToken, User? User, IReadOnlyList<UserError> Errors)
{
    public static AuthPayload Failed(params UserError[] errors) => new(null, null, null, null, errors);
}

public sealed class AuthPayloadType : ObjectGraphType<AuthPayload>
{
    public AuthPayloadType()
    {
        Name = "AuthPayload";
        Field(p => p.Token, nullable: true)
            .Description("An access token (ES256 JWT), sent as 'Authorization: Bearer <token>'. Valid for 15 minutes.");
        Field<DateTimeGraphType>("tokenExpiresAt").Resolve(ctx => ctx.Source.TokenExpiresAt?.UtcDateTime);
        Field(p => p.RefreshToken, nullable: true)
            .Description("Exchanges once for a new token pair through refreshToken; valid for 30 days. Keep it secret.");
        Field(p => p.User, type: typeof(UserType));
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
