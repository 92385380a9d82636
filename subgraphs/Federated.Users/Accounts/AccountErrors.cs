using Federated.Kit.Errors;

namespace Federated.Users.Accounts;

public static class AccountErrors
{
    public const string InvalidEmail = "INVALID_EMAIL";
    public const string InvalidName = "INVALID_NAME";
    public const string WeakPassword = "WEAK_PASSWORD";
    public const string EmailTaken = "EMAIL_TAKEN";
    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string TooManyAttempts = "TOO_MANY_ATTEMPTS";
    public const string InvalidRefreshToken = "INVALID_REFRESH_TOKEN";

    // One message for an unknown email and a wrong password alike.
    public static readonly UserError Credentials = new(InvalidCredentials, "The email or password is incorrect.");

    public static readonly UserError Throttled = new(TooManyAttempts, "Too many failed sign-in attempts. Wait a few minutes and try again.");

    public static readonly UserError RegistrationThrottled = new(TooManyAttempts, "Too many sign-ups from your network. Try again in an hour.");

    public static readonly UserError RefreshThrottled = new(TooManyAttempts, "Too many token refreshes for this account. Wait a few minutes and try again; the refresh token stays good.");

    public static readonly UserError RefreshToken = new(InvalidRefreshToken, "The refresh token is not valid. Sign in again.", ["input", "refreshToken"]);

    public static readonly UserError NoSuchSession = new(InvalidRefreshToken, "No active session of your account has this refresh token.", ["input", "refreshToken"]);

    public static List<UserError> ValidateRegistration(RegisterInput input)
    {
        var errors = new List<UserError>();
        var email = input.Email.Trim();
        var at = email.IndexOf('@');
        if (email.Length > 254 || at < 1 || at != email.LastIndexOf('@') || at == email.Length - 1 || email.Any(char.IsWhiteSpace))
            errors.Add(new(InvalidEmail, "Enter a valid email address.", ["input", "email"]));
        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 100)
            errors.Add(new(InvalidName, "The name must be 1 to 100 characters.", ["input", "name"]));
        if (input.Password.Length is < Passwords.MinLength or > Passwords.MaxLength)
            errors.Add(new(WeakPassword, $"The password must be {Passwords.MinLength} to {Passwords.MaxLength} characters.", ["input", "password"]));
        return errors;
    }
}
