using Microsoft.Extensions.Options;

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

    private readonly SignedTokens _tokens;
    private readonly TimeProvider _time;
    private (string Token, DateTimeOffset ExpiresAt)? _current;

    public ServiceTokenIssuer(IOptions<IdentityOptions> options, TimeProvider time)
    {
        _time = time;
        if (string.IsNullOrWhiteSpace(options.Value.ServiceSigningKey))
            throw new InvalidOperationException("Identity:ServiceSigningKey must be configured for a service that calls internal operations (./run.sh sets a development key).");
        _tokens = new SignedTokens(options.Value, options.Value.ServiceSigningKey, "Identity:ServiceSigningKey");
    }

    /// <summary>A valid token for <paramref name="serviceName"/>, for the <c>Authorization: Bearer</c> header.</summary>
    public string TokenFor(string serviceName)
    {
        var now = _time.GetUtcNow();
        if (_current is { } current && current.ExpiresAt - now > RenewBefore)
            return current.Token;
        _current = _tokens.Create(new Dictionary<string, object>
        {
            [IdentityClaims.Subject] = serviceName,
            [IdentityClaims.Role] = IdentityClaims.ServiceRole,
        }, now, Lifetime);
        return _current.Value.Token;
    }
}
