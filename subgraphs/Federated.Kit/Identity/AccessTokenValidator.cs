using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federated.Kit.Identity;

/// <summary>
/// Verifies the bearer access tokens a request carries: ES256 only (so neither <c>none</c>
/// nor an HMAC keyed with the public key can pass), signed by the configured key, from the
/// configured issuer to the configured audience, with an expiry that has not passed.
/// Service tokens are signed with a key of their own and must carry the service role and
/// nothing else; a user token claiming the service role is refused. So the key of a service
/// that calls internal operations cannot make administrators, nor the users service services.
/// </summary>
public sealed class AccessTokenValidator
{
    public const string Algorithm = SecurityAlgorithms.EcdsaSha256;
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters _parameters;
    private readonly TokenValidationParameters? _serviceParameters;

    public AccessTokenValidator(IOptions<IdentityOptions> options)
    {
        var identity = options.Value;
        if (string.IsNullOrWhiteSpace(identity.PublicKey) || string.IsNullOrWhiteSpace(identity.Issuer) || string.IsNullOrWhiteSpace(identity.Audience))
            throw new InvalidOperationException(
                "Identity:PublicKey, Identity:Issuer and Identity:Audience must be configured (./run.sh sets development values from eng/services.env).");

        _parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [Algorithm],
            IssuerSigningKey = new ECDsaSecurityKey(LoadP256(identity.PublicKey, "Identity:PublicKey")),
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidIssuer = identity.Issuer,
            ValidateIssuer = true,
            ValidAudience = identity.Audience,
            ValidateAudience = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = ClockSkew,
            NameClaimType = IdentityClaims.Subject,
            RoleClaimType = IdentityClaims.Role,
        };
        if (!string.IsNullOrWhiteSpace(identity.ServicePublicKey))
        {
            _serviceParameters = _parameters.Clone();
            _serviceParameters.IssuerSigningKey = new ECDsaSecurityKey(LoadP256(identity.ServicePublicKey, "Identity:ServicePublicKey"));
        }
    }

    /// <summary>The verified identity, or null for a token that must be refused.</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token)
    {
        // A JWS has three parts; refusing anything else early also refuses encrypted tokens.
        if (token.Length > 8192 || token.Count(c => c == '.') != 2)
            return null;
        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (result.IsValid)
            return HasSubject(result.ClaimsIdentity) && !Roles(result.ClaimsIdentity).Contains(IdentityClaims.ServiceRole) ? result.ClaimsIdentity : null;
        if (_serviceParameters is null)
            return null;
        result = await _handler.ValidateTokenAsync(token, _serviceParameters);
        return result.IsValid && HasSubject(result.ClaimsIdentity) && Roles(result.ClaimsIdentity) is [IdentityClaims.ServiceRole]
            ? result.ClaimsIdentity
            : null;
    }

    private static bool HasSubject(ClaimsIdentity identity) => identity.FindFirst(IdentityClaims.Subject) is { Value.Length: > 0 };

    private static string[] Roles(ClaimsIdentity identity) => [.. identity.FindAll(IdentityClaims.Role).Select(c => c.Value)];

    public static ECDsa LoadP256(string pem, string setting)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (ArgumentException ex)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} is not a PEM-encoded EC key.", ex);
        }
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidOperationException($"{setting} must be an ECDSA P-256 key (ES256).");
        }
        return key;
    }
}
