using System.Security.Cryptography;
using System.Buffers.Text;
using Federated.Kit.Identity;
using Federated.Users.Data;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federated.Users.Accounts;

/// <summary>Signs ES256 access tokens and makes opaque refresh tokens.</summary>
public sealed class TokenIssuer
{
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(30);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly IdentityOptions _options;
    private readonly SigningCredentials _credentials;

    public TokenIssuer(IOptions<IdentityOptions> options)
    {
        _options = options.Value;
        if (string.IsNullOrWhiteSpace(_options.SigningKey))
            throw new InvalidOperationException("Identity:SigningKey must be configured for the users service (./run.sh sets a development key).");
        var key = AccessTokenValidator.LoadP256(_options.SigningKey, "Identity:SigningKey");
        _credentials = new SigningCredentials(new ECDsaSecurityKey(key), AccessTokenValidator.Algorithm);
    }

    public (string Token, DateTimeOffset ExpiresAt) AccessToken(User user, DateTimeOffset now)
    {
        var expires = now + AccessTokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                [IdentityClaims.Subject] = user.Id,
                [IdentityClaims.Email] = user.Email,
                [IdentityClaims.Role] = user.Role,
                ["jti"] = Guid.NewGuid().ToString("N"),
            },
        });
        return (token, expires);
    }

    /// <summary>A new refresh token: 256 random bits; only its hash is stored.</summary>
    public static string NewRefreshToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    public static string HashRefreshToken(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));
}
