using Federated.Kit.Identity;
using Federated.Users.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;

namespace Federated.Users.Accounts;

/// <summary>
/// Ending sessions: revoking refresh tokens of the signed-in account, never of another (a
/// token of another account is answered as no such session). Access tokens already issued
/// stay valid until they expire (15 minutes): they are verified without asking this service.
/// </summary>
public static class SignOutMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<SignOutPayloadType>>("signOut")
            .Description("Ends one session of the signed-in account by revoking its refresh token.")
            .Argument<NonNullGraphType<SignOutInputType>>("input")
            .ResolveAsync(async ctx => await SignOutAsync(ctx, ctx.GetArgument<SignOutInput>("input")));
        mutation.Field<NonNullGraphType<SignOutPayloadType>>("signOutEverywhere")
            .Description("Ends every session of the signed-in account (but the one of exceptRefreshToken, if given) by revoking its refresh tokens.")
            .Argument<NonNullGraphType<SignOutEverywhereInputType>>("input")
            .ResolveAsync(async ctx => await SignOutEverywhereAsync(ctx, ctx.GetArgument<SignOutEverywhereInput>("input")));
    }

    private static async Task<SignOutPayload> SignOutAsync(IResolveFieldContext ctx, SignOutInput input)
    {
        var userId = ctx.CurrentUser().RequireUser();
        var hash = TokenIssuer.HashRefreshToken(input.RefreshToken);
        var revoked = await RevokeAsync(ctx, userId, tokens => tokens.Where(t => t.TokenHash == hash));
        return revoked == 0 ? SignOutPayload.Failed(AccountErrors.NoSuchSession) : new SignOutPayload(revoked, []);
    }

    private static async Task<SignOutPayload> SignOutEverywhereAsync(IResolveFieldContext ctx, SignOutEverywhereInput input)
    {
        var userId = ctx.CurrentUser().RequireUser();
        var kept = input.ExceptRefreshToken is null ? null : TokenIssuer.HashRefreshToken(input.ExceptRefreshToken);
        return new SignOutPayload(await RevokeAsync(ctx, userId, tokens => kept is null ? tokens : tokens.Where(t => t.TokenHash != kept)), []);
    }

    /// <summary>
    /// Revokes the caller's live refresh tokens among those chosen; returns how many. Under the
    /// account's row lock, as a refresh is: one in flight is waited for, and the token it issued
    /// is among the live ones.
    /// </summary>
    private static async Task<int> RevokeAsync(IResolveFieldContext ctx, string userId, Func<IQueryable<RefreshToken>, IQueryable<RefreshToken>> choose)
    {
        var contexts = ctx.RequestServices!.GetRequiredService<IDbContextFactory<UsersDbContext>>();
        await using var db = await contexts.CreateDbContextAsync(ctx.CancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(ctx.CancellationToken);
        await db.LockUserAsync(userId, ctx.CancellationToken);
        var now = DateTimeOffset.UtcNow;
        var live = db.RefreshTokens.Where(t => t.UserId == userId && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now);
        var revoked = await choose(live).ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), ctx.CancellationToken);
        await transaction.CommitAsync(ctx.CancellationToken);
        return revoked;
    }
}
