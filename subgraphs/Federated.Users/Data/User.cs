namespace Federated.Users.Data;

public sealed class User
{
    public string Id { get; set; } = "";
    public string Email { get; set; } = "";

    /// <summary>The email as compared for uniqueness: trimmed and upper-cased.</summary>
    public string NormalizedEmail { get; set; } = "";
    public string Name { get; set; } = "";
    public string PasswordHash { get; set; } = "";
    public string Role { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }

    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}
