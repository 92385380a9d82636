using System.Security.Claims;
using Federated.Kit.Errors;

namespace Federated.Kit.Identity;

/// <summary>
/// Who sent the request, as proven by a verified access token; anonymous otherwise. One per
/// request (scoped), filled in by the GraphQL endpoint before execution. It is the only
/// source of identity a subgraph has: no header other than <c>Authorization</c> is read.
/// </summary>
public sealed class CurrentUser
{
    public string? Id { get; private set; }

    public string? Email { get; private set; }

    public bool IsAdmin { get; private set; }

    /// <summary>Whether the caller is another service of the store, with a service token.</summary>
    public bool IsService { get; private set; }

    public bool IsAuthenticated => Id is not null;

    public ClaimsPrincipal Principal { get; private set; } = new(new ClaimsIdentity());

    /// <summary>The signed-in user's id; UNAUTHENTICATED for an anonymous request.</summary>
    public string RequireUser() =>
        Id ?? throw new GraphQLFailure(ErrorCodes.Unauthenticated, "Sign in to do this.");

    /// <summary>FORBIDDEN unless the signed-in user is an administrator.</summary>
    public void RequireAdmin()
    {
        RequireUser();
        if (!IsAdmin)
            throw new GraphQLFailure(ErrorCodes.Forbidden, "Only an administrator may do this.");
    }

    /// <summary>
    /// UNAUTHENTICATED when anonymous, FORBIDDEN unless the caller is a service: internal
    /// operations (inaccessible through the gateway) are for other services only.
    /// </summary>
    public void RequireService()
    {
        RequireUser();
        if (!IsService)
            throw new GraphQLFailure(ErrorCodes.Forbidden, "Only another service of the store may do this.");
    }

    /// <summary>Whether the signed-in user is <paramref name="userId"/>.</summary>
    public bool IsSelf(string userId) => IsAuthenticated && string.Equals(Id, userId, StringComparison.Ordinal);

    /// <summary>Whether the signed-in user is <paramref name="userId"/> or an administrator.</summary>
    public bool IsSelfOrAdmin(string userId) => IsSelf(userId) || (IsAuthenticated && IsAdmin);

    /// <summary>UNAUTHENTICATED when anonymous, FORBIDDEN for anyone but <paramref name="userId"/> or an administrator.</summary>
    public void RequireSelfOrAdmin(string userId)
    {
        RequireUser();
        if (!IsSelfOrAdmin(userId))
            throw new GraphQLFailure(ErrorCodes.Forbidden, "This belongs to another account.");
    }

    /// <summary>
    /// Sets the request's identity from a verified token: the endpoint's, or one the users
    /// service has just issued after checking a password (so the payload shows the account).
    /// </summary>
    public void Authenticate(ClaimsIdentity identity)
    {
        Id = identity.FindFirst(IdentityClaims.Subject)!.Value;
        Email = identity.FindFirst(IdentityClaims.Email)?.Value;
        IsAdmin = identity.FindAll(IdentityClaims.Role).Any(c => c.Value == IdentityClaims.AdminRole);
        IsService = identity.FindAll(IdentityClaims.Role).Any(c => c.Value == IdentityClaims.ServiceRole);
        Principal = new ClaimsPrincipal(identity);
    }
}
