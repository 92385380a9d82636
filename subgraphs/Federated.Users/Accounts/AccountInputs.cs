using GraphQL.Types;

namespace Federated.Users.Accounts;

public sealed record RegisterInput
{
    public string Email { get; init; } = "";
    public string Password { get; init; } = "";
    public string Name { get; init; } = "";
}

public sealed record SignInInput
{
    public string Email { get; init; } = "";
    public string Password { get; init; } = "";
}

public sealed record RefreshTokenInput
{
    public string RefreshToken { get; init; } = "";
}

public sealed record SignOutInput
{
    public string RefreshToken { get; init; } = "";
}

public sealed record SignOutEverywhereInput
{
    public string? ExceptRefreshToken { get; init; }
}

public sealed class RegisterInputType : InputObjectGraphType<RegisterInput>
{
    public RegisterInputType()
    {
        Name = "RegisterInput";
        Field(i => i.Email);
        Field(i => i.Password).Description($"{Passwords.MinLength} to {Passwords.MaxLength} characters.");
        Field(i => i.Name);
    }
}

public sealed class SignInInputType : InputObjectGraphType<SignInInput>
{
    public SignInInputType()
    {
        Name = "SignInInput";
        Field(i => i.Email);
        Field(i => i.Password);
    }
}

public sealed class RefreshTokenInputType : InputObjectGraphType<RefreshTokenInput>
{
    public RefreshTokenInputType()
    {
        Name = "RefreshTokenInput";
        Field(i => i.RefreshToken);
    }
}

public sealed class SignOutInputType : InputObjectGraphType<SignOutInput>
{
    public SignOutInputType()
    {
        Name = "SignOutInput";
        Field(i => i.RefreshToken).Description("The refresh token of the session to end; it must belong to the signed-in account.");
    }
}

public sealed class SignOutEverywhereInputType : InputObjectGraphType<SignOutEverywhereInput>
{
    public SignOutEverywhereInputType()
    {
        Name = "SignOutEverywhereInput";
        Field(i => i.ExceptRefreshToken, nullable: true)
            .Description("A refresh token of the signed-in account to keep (this device's session); null ends every session.");
    }
}
