using System.Collections.Concurrent;
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
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, (ClaimsIdentity Identity, DateTime Expires)> _verified = new(StringComparer.Ordinal);

    /// <summary>
    /// The services' tokens verified, apart: a few at a time (one per calling service, renewed
    /// every few minutes), and not forgotten when the users' tokens fill <see cref="_verified"/>.
    /// </summary>
    private readonly ConcurrentDictionary<string, DateTime> _services = new(StringComparer.Ordinal);
    private const int MaxServicesRemembered = 64;

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

    /// <summary>
    /// The verified identity, or null for a token that must be refused. A token verified once
    /// is remembered until it expires: a session sends the same token with every request, and
    /// verifying an ES256 signature is most of what authenticating costs.
    /// </summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token)
    {
        // A JWS has three parts; refusing anything else early also refuses encrypted tokens.
        if (token.Length > 8192 || token.Count(c => c == '.') != 2)
            return null;
        if (_verified.TryGetValue(token, out var known) && known.Expires > DateTime.UtcNow)
            return known.Identity.Clone();
        var (identity, expires) = await VerifyAsync(token);
        if (identity is null)
            return null;
        if (_verified.Count >= MaxRemembered)
            _verified.Clear();
        _verified[token] = (identity, expires);
        if (identity.HasClaim(IdentityClaims.Role, IdentityClaims.ServiceRole))
        {
            if (_services.Count >= MaxServicesRemembered)
                foreach (var (expired, _) in _services.Where(s => s.Value <= DateTime.UtcNow))
                    _services.TryRemove(expired, out _);
            if (_services.Count < MaxServicesRemembered)
                _services[token] = expires;
        }
        return identity.Clone();
    }

    /// <summary>Whether <paramref name="token"/> was verified before as a service's and has not expired; nothing is verified now.</summary>
    public bool IsKnownService(string token) => _services.TryGetValue(token, out var expires) && expires > DateTime.UtcNow;

    /// <summary>
    /// Checks the signature with the one key the token's role calls for: a token claiming the
    /// service role must be signed with the service key and claim nothing else, any other with
    /// the users key. The role is read before the signature is checked only to pick the key.
    /// </summary>
    private async Task<(ClaimsIdentity? Identity, DateTime Expires)> VerifyAsync(string token)
    {
        var claimsService = _serviceParameters is not null && ClaimsServiceRole(token);
        var result = await _handler.ValidateTokenAsync(token, claimsService ? _serviceParameters : _parameters);
        if (!result.IsValid || !HasSubject(result.ClaimsIdentity))
            return (null, default);
        var roles = Roles(result.ClaimsIdentity);
        var accepted = claimsService ? roles is [IdentityClaims.ServiceRole] : !roles.Contains(IdentityClaims.ServiceRole);
        return accepted ? (result.ClaimsIdentity, result.SecurityToken.ValidTo) : (null, default);
    }

    private static bool ClaimsServiceRole(string token)
    {
        try
        {
            return new JsonWebToken(token).Claims.Any(c => c.Type == IdentityClaims.Role && c.Value == IdentityClaims.ServiceRole);
        }
        catch (ArgumentException)
        {
            // Not even readable: the users key's check refuses it.
            return false;
        }
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
