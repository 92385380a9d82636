using Federated.Kit.DataLoaders;
using Federated.Kit.EntityFramework;
using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Kit.Identity;
using Federated.Users.Accounts;
using Federated.Users.Addresses;
using Federated.Users.Data;
using Federated.Users.Users;

namespace Federated.Users;

public static class UsersExtensions
{
    public const string ServiceName = "users";

    public static IHostApplicationBuilder AddUsersServices(this IHostApplicationBuilder builder)
    {
        builder.AddEntityFrameworkStore<UsersDbContext>(UsersDbContext.Schema);
        builder.AddRedisStore();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<Passwords>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<FixedWindowCounter>();
        builder.Services.AddSingleton<SignInThrottle>();
        builder.Services.AddSingleton<RegistrationThrottle>();
        builder.Services.AddSingleton<RefreshThrottle>();
        builder.Services.AddSingleton<ClientAddress>();
        builder.Services.AddScoped<AccountService>();
        builder.Services.AddStartupTask<CheckSigningKey>();
        builder.Services.AddStartupTask<UsersSeeder>();
        builder.Services.AddDataLoader<UserByIdDataLoader>();
        builder.Services.AddDataLoader<AddressesByUserDataLoader>();
        builder.AddSubgraph<UsersQuery>(ServiceName, typeof(UsersMutation));
        return builder;
    }

    /// <summary>Before listening: the signing key must make tokens that the configured public key accepts.</summary>
    private sealed class CheckSigningKey(TokenIssuer issuer, AccessTokenValidator validator) : IStartupTask
    {
        public async Task RunAsync(CancellationToken cancellationToken)
        {
            var (token, _) = issuer.AccessToken(new User { Id = "startup-check", Role = IdentityClaims.CustomerRole }, DateTimeOffset.UtcNow);
            if (await validator.ValidateAsync(token) is null)
                throw new InvalidOperationException("Identity:SigningKey does not match Identity:PublicKey (or the issuer/audience are not set).");
        }
    }
}
