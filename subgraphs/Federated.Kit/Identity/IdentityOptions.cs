namespace Federated.Kit.Identity;

/// <summary>
/// The <c>Identity</c> configuration section. Every subgraph needs the issuer, the audience
/// and the public key to verify access tokens; only the users service has the signing key.
/// </summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    public string Issuer { get; set; } = "";

    public string Audience { get; set; } = "";

    /// <summary>The ECDSA P-256 public key (PEM) that access tokens are verified with.</summary>
    public string PublicKey { get; set; } = "";

    /// <summary>The ECDSA P-256 private key (PEM): configured for the users service only.</summary>
    public string SigningKey { get; set; } = "";

    /// <summary>
    /// The public key (PEM) of service tokens: what one service shows another when it calls an
    /// internal operation (see <see cref="ServiceTokenIssuer"/>). Without it no service token is accepted.
    /// </summary>
    public string ServicePublicKey { get; set; } = "";

    /// <summary>The private key of service tokens: only for services that call internal operations.</summary>
    public string ServiceSigningKey { get; set; } = "";
}

/// <summary>The claims an access token carries, as the users service writes them.</summary>
public static class IdentityClaims
{
    public const string Subject = "sub";
    public const string Email = "email";
    public const string Role = "role";
    public const string AdminRole = "admin";
    public const string CustomerRole = "customer";

    /// <summary>A service acting for itself; only a service token (its own key) may carry it.</summary>
    public const string ServiceRole = "service";
}
