namespace Federated.Users.Data;

/// <summary>
/// A refresh token, stored only as the SHA-256 of its value. It may be used once: using it
/// marks it used and issues a new one; a used token presented again revokes them all.
/// </summary>
public sealed class RefreshToken
{
    public string TokenHash { get; set; } = "";
    public string UserId { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
