using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Users.Data;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Federated.Users.Accounts;

public static class AccountMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<AuthPayloadType>>("register")
            .Description("Creates a customer account and signs it in.")
            .Argument<NonNullGraphType<RegisterInputType>>("input")
            .ResolveAsync(async ctx => await Service(ctx).RegisterAsync(ctx.GetArgument<RegisterInput>("input"), ctx.CancellationToken));
        mutation.Field<NonNullGraphType<AuthPayloadType>>("signIn")
            .Description("Exchanges an email and password for a token pair. Failed attempts are throttled per account and per client address.")
            .Argument<NonNullGraphType<SignInInputType>>("input")
            .ResolveAsync(async ctx => await Service(ctx).SignInAsync(ctx.GetArgument<SignInInput>("input"), ctx.CancellationToken));
        mutation.Field<NonNullGraphType<AuthPayloadType>>("refreshToken")
            .Description("Exchanges a refresh token, once, for a new token pair.")
            .Argument<NonNullGraphType<RefreshTokenInputType>>("input")
            .ResolveAsync(async ctx => await Service(ctx).RefreshAsync(ctx.GetArgument<RefreshTokenInput>("input"), ctx.CancellationToken));
    }

    private static AccountService Service(IResolveFieldContext ctx) => ctx.RequestServices!.GetRequiredService<AccountService>();
}

/// <summary>Registration, sign-in and token refresh.</summary>
public sealed class AccountService(
    IDbContextFactory<UsersDbContext> contexts, Passwords passwords, TokenIssuer tokens, SignInThrottle throttle, RegistrationThrottle registrationThrottle,
    RefreshThrottle refreshThrottle, ClientAddress clientAddress,
    AccessTokenValidator validator, CurrentUser currentUser)
{
    public async Task<AuthPayload> RegisterAsync(RegisterInput input, CancellationToken cancellationToken)
    {
        if (AccountErrors.ValidateRegistration(input) is { Count: > 0 } errors)
            return AuthPayload.Failed([.. errors]);
        // Before hashing the password or asking the store whether the email is taken.
        if (!await registrationThrottle.TryCountAttemptAsync(clientAddress.Get()))
            return AuthPayload.Failed(AccountErrors.RegistrationThrottled);

        var email = input.Email.Trim();
        var user = new User
        {
            Id = $"user-{Guid.NewGuid():N}",
            Email = email,
            NormalizedEmail = User.Normalize(email),
            Name = input.Name.Trim(),
            PasswordHash = passwords.Hash(input.Password),
            Role = IdentityClaims.CustomerRole,
            CreatedAt = DateTimeOffset.UtcNow,
        };
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException ex) when (ex.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            return AuthPayload.Failed(new UserError(AccountErrors.EmailTaken, "An account with this email already exists. Sign in instead.", ["input", "email"]));
        }
        return await IssueAsync(db, user, cancellationToken);
    }

    public async Task<AuthPayload> SignInAsync(SignInInput input, CancellationToken cancellationToken)
    {
        var normalized = User.Normalize(input.Email);
        var address = clientAddress.Get();
        if (!await throttle.TryAttemptAsync(normalized, address))
            return AuthPayload.Failed(AccountErrors.Throttled);

        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.NormalizedEmail == normalized, cancellationToken);
        // Verify even when there is no such user: the answer takes as long either way.
        if (!passwords.Verify(user, input.Password))
            return AuthPayload.Failed(AccountErrors.Credentials);
        await throttle.SucceededAsync(normalized, address);
        return await IssueAsync(db, user!, cancellationToken);
    }

    /// <summary>
    /// Spends the refresh token for a new pair. One transaction under the account's row lock,
    /// which signOutEverywhere takes too (found by a review): the token is spent only if the new
    /// one is saved (a failure between the two left the client with neither, and its retry, a
    /// reuse, ended every session of the account), and a sign-out everywhere waits for a refresh
    /// in flight and then revokes the token it issued (it skipped the spent token and came before
    /// the new one, which lived on after "signed out everywhere").
    /// </summary>
    public async Task<AuthPayload> RefreshAsync(RefreshTokenInput input, CancellationToken cancellationToken)
    {
        var hash = TokenIssuer.HashRefreshToken(input.RefreshToken);
        var now = DateTimeOffset.UtcNow;
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var token = await db.RefreshTokens.AsNoTracking().Where(t => t.TokenHash == hash)
            .Select(t => new { t.UserId, Live = t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now }).FirstOrDefaultAsync(cancellationToken);
        if (token is null)
            return AuthPayload.Failed(AccountErrors.RefreshToken);
        var owner = token.UserId;
        // Only a live token's refresh counts (one that would add a row): a used, revoked or
        // expired one goes on to be refused, a used one ending every session, whatever the
        // count. Counted first, a thief refreshing past the limit kept the owner's reuse of a
        // stolen token from being caught, and anyone with a dead token could lock the owner out.
        if (token.Live && !await refreshThrottle.TryCountAsync(owner))
            return AuthPayload.Failed(AccountErrors.RefreshThrottled);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.LockUserAsync(owner, cancellationToken);
        // Claiming the token is one conditional update, so two concurrent uses cannot both win.
        var claimed = await db.RefreshTokens
            .Where(t => t.TokenHash == hash && t.UsedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.UsedAt, now), cancellationToken);
        if (claimed == 0 || user is null)
        {
            // A used token coming back means it was copied: end every session of that user
            // (its live tokens; the used ones are spent already).
            if (await db.RefreshTokens.AnyAsync(t => t.TokenHash == hash && t.UsedAt != null, cancellationToken))
                await db.RefreshTokens.Where(t => t.UserId == owner && t.UsedAt == null && t.RevokedAt == null)
                    .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return AuthPayload.Failed(AccountErrors.RefreshToken);
        }
        return await IssueAsync(db, user, cancellationToken, transaction);
    }

    /// <summary>
    /// Saves a new refresh token for <paramref name="user"/> (and commits <paramref name="transaction"/>,
    /// when given) and answers the pair. The account's tokens past their lifetime are deleted
    /// with it: spent, revoked or not, they sign nobody in, and a used one presented after it
    /// expired is refused as any unknown token is. Before, every sign-in and refresh added a
    /// row that was kept for good (about a hundred a day for each device in use).
    /// </summary>
    private async Task<AuthPayload> IssueAsync(UsersDbContext db, User user, CancellationToken cancellationToken,
        Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? transaction = null)
    {
        var now = DateTimeOffset.UtcNow;
        var (access, expiresAt) = tokens.AccessToken(user, now);
        var refresh = TokenIssuer.NewRefreshToken();
        db.RefreshTokens.Add(new RefreshToken
        {
            TokenHash = TokenIssuer.HashRefreshToken(refresh),
            UserId = user.Id,
            CreatedAt = now,
            ExpiresAt = now + TokenIssuer.RefreshTokenLifetime,
        });
        await db.RefreshTokens.Where(t => t.UserId == user.Id && t.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
            await transaction.CommitAsync(cancellationToken);
        // The rest of this request acts as the account just signed in, through the same check as any token.
        currentUser.Authenticate(await validator.ValidateAsync(access)
            ?? throw new InvalidOperationException("A token just issued does not validate."));
        return new AuthPayload(access, expiresAt, refresh, user, []);
    }
}
