using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federated.Kit.Identity;

/// <summary>
/// Makes the short-lived token a service sends when it calls another service's internal
/// operations: subject = the calling service's name, role = service, signed with
/// <c>Identity:ServiceSigningKey</c>. One token is reused until shortly before it expires.
/// </summary>
public sealed class ServiceTokenIssuer
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly IdentityOptions _options;
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _time;
    private (string Token, DateTimeOffset ExpiresAt)? _current;

    public ServiceTokenIssuer(IOptions<IdentityOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        if (string.IsNullOrWhiteSpace(_options.ServiceSigningKey))
            throw new InvalidOperationException("Identity:ServiceSigningKey must be configured for a service that calls internal operations (./run.sh sets a development key).");
        _credentials = new SigningCredentials(
            new ECDsaSecurityKey(AccessTokenValidator.LoadP256(_options.ServiceSigningKey, "Identity:ServiceSigningKey")), AccessTokenValidator.Algorithm);
    }

    /// <summary>A valid token for <paramref name="serviceName"/>, for the <c>Authorization: Bearer</c> header.</summary>
    public string TokenFor(string serviceName)
    {
        var now = _time.GetUtcNow();
        if (_current is { } current && current.ExpiresAt - now > RenewBefore)
            return current.Token;
        var expires = now + Lifetime;
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
                [IdentityClaims.Subject] = serviceName,
                [IdentityClaims.Role] = IdentityClaims.ServiceRole,
            },
        });
        _current = (token, expires);
        return token;
    }
}
