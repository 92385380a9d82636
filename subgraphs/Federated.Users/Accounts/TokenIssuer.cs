using System.Security.Cryptography;
using System.Buffers.Text;
using Federated.Kit.Identity;
using Federated.Users.Data;
using Microsoft.Extensions.Options;

namespace Federated.Users.Accounts;

/// <summary>Signs ES256 access tokens and makes opaque refresh tokens.</summary>
public sealed class TokenIssuer
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    private readonly SignedTokens _tokens;

    public TokenIssuer(IOptions<IdentityOptions> options)
    {
        if (string.IsNullOrWhiteSpace(options.Value.SigningKey))
            throw new InvalidOperationException("Identity:SigningKey must be configured for the users service (./run.sh sets a development key).");
        _tokens = new SignedTokens(options.Value, options.Value.SigningKey, "Identity:SigningKey");
    }

    public (string Token, DateTimeOffset ExpiresAt) AccessToken(User user, DateTimeOffset now) =>
        _tokens.Create(new Dictionary<string, object>
        {
            [IdentityClaims.Subject] = user.Id,
            [IdentityClaims.Email] = user.Email,
            [IdentityClaims.Role] = user.Role,
            ["jti"] = Guid.NewGuid().ToString("N"),
        }, now, AccessTokenLifetime);

    /// <summary>A new refresh token: 256 random bits; only its hash is stored.</summary>
    public static string NewRefreshToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string HashRefreshToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
