using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federated.Kit.Identity;

/// <summary>
/// Makes ES256 access tokens for the configured issuer and audience: what the users service
/// signs for accounts and what <see cref="ServiceTokenIssuer"/> signs for services, both
/// verified by <see cref="AccessTokenValidator"/>.
/// </summary>
public sealed class SignedTokens(IdentityOptions options, string signingKeyPem, string setting)
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly SigningCredentials _credentials =
        new(new ECDsaSecurityKey(AccessTokenValidator.LoadP256(signingKeyPem, setting)), AccessTokenValidator.Algorithm);

    public (string Token, DateTimeOffset ExpiresAt) Create(IDictionary<string, object> claims, DateTimeOffset now, TimeSpan lifetime)
    {
        var expires = now + lifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Audience,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = _credentials,
            Claims = claims,
        });
        return (token, expires);
    }
}
