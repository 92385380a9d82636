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
