using Federated.Kit.Identity;
using Federated.Users.Data;
using GraphQL;

namespace Federated.Users.Users;

/// <summary>
/// The users service's authorization rules, in one place. A user's name and id are public
/// (they sign reviews); the email and the addresses are private: only the user and an
/// administrator see them, everyone else gets null with a FORBIDDEN (or UNAUTHENTICATED)
/// error on that field. Addresses are changed only by their owner.
/// </summary>
public static class UserAccess
{
    /// <summary>The user, when the request may see their private fields; otherwise the field's error.</summary>
    public static User Private(this IResolveFieldContext<User> context)
    {
        context.CurrentUser().RequireSelfOrAdmin(context.Source.Id);
        return context.Source;
    }

    /// <summary>An address the signed-in user owns, or null (another user's address is as good as missing).</summary>
    public static Address? Owned(this CurrentUser user, Address? address) =>
        address is not null && address.UserId == user.Id ? address : null;
}
