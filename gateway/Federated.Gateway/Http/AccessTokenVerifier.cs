using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Federated.Gateway.Http;

/// <summary>
/// Refuses requests whose bearer token the users service did not sign, as the reference
/// gateway does: ES256 only, the configured issuer and audience, not expired. A request
/// without a token goes on anonymously; the subgraphs verify the forwarded token again.
/// Configured by FEDERATED_IDENTITY_PUBLIC_KEY_FILE, _ISSUER and _AUDIENCE; without them
/// tokens are only forwarded.
/// </summary>
public sealed class AccessTokenVerifier
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly TokenValidationParameters? _parameters;
    private const int MaxRemembered = 10_000;
    private readonly ConcurrentDictionary<string, DateTime> _verified = new(StringComparer.Ordinal);

    public AccessTokenVerifier(string? publicKeyPem, string? issuer, string? audience)
    {
        if (string.IsNullOrWhiteSpace(publicKeyPem) || string.IsNullOrWhiteSpace(issuer) || string.IsNullOrWhiteSpace(audience))
            return;
        var key = ECDsa.Create();
        key.ImportFromPem(publicKeyPem);
        _parameters = new TokenValidationParameters
        {
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            IssuerSigningKey = new ECDsaSecurityKey(key),
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidIssuer = issuer,
            ValidAudience = audience,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        };
    }

    public bool Enabled => _parameters is not null;

    public static AccessTokenVerifier FromConfiguration(IConfiguration configuration)
    {
        var file = configuration["FEDERATED_IDENTITY_PUBLIC_KEY_FILE"];
        var pem = configuration["Identity:PublicKey"] ?? (string.IsNullOrEmpty(file) ? null : File.ReadAllText(file));
        return new AccessTokenVerifier(pem,
            configuration["FEDERATED_IDENTITY_ISSUER"] ?? configuration["Identity:Issuer"],
            configuration["FEDERATED_IDENTITY_AUDIENCE"] ?? configuration["Identity:Audience"]);
    }

    /// <summary>False when the request carries an Authorization header that is not a valid access token.</summary>
    public async Task<bool> AcceptsAsync(HttpRequest request)
    {
        if (_parameters is null)
            return true;
        var header = request.Headers.Authorization;
        if (header.Count == 0)
            return true;
        if (header.Count > 1 || header[0] is not { } value || !value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return false;
        var token = value["Bearer ".Length..].Trim();
        if (token.Length > 8192 || token.Count(c => c == '.') != 2)
            return false;
        // A session sends the same token with every request: its signature is checked once,
        // and the token is then known good until it expires.
        if (_verified.TryGetValue(token, out var expires) && expires > DateTime.UtcNow)
            return true;
        var result = await _handler.ValidateTokenAsync(token, _parameters);
        if (result.IsValid)
        {
            if (_verified.Count >= MaxRemembered)
                _verified.Clear();
            _verified[token] = result.SecurityToken.ValidTo;
        }
        return result.IsValid;
    }
}
