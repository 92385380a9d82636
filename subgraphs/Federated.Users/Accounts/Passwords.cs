using Federated.Users.Data;
using Microsoft.AspNetCore.Identity;

namespace Federated.Users.Accounts;

/// <summary>
/// Password hashes from ASP.NET Core Identity's hasher (PBKDF2-HMAC-SHA512, 100,000
/// iterations, random salt per hash). A sign-in for an unknown email still verifies against
/// a real hash, so it takes as long as a wrong password does.
/// </summary>
public sealed class Passwords
{
    public const int MinLength = 10;
    public const int MaxLength = 128;

    private readonly PasswordHasher<User> _hasher = new();
    private readonly Lazy<string> _decoy;

    public Passwords() => _decoy = new Lazy<string>(() => Hash("decoy password never accepted"));

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    /// <summary>Verifies against the user's hash, or against a decoy hash when there is no user.</summary>
    public bool Verify(User? user, string password)
    {
        var result = _hasher.VerifyHashedPassword(null!, user?.PasswordHash ?? _decoy.Value, password);
        return user is not null && result != PasswordVerificationResult.Failed;
    }
}
