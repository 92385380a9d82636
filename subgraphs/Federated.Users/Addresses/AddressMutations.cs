using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Users.Data;
using Federated.Users.Users;
using GraphQL;
using GraphQL.Types;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Federated.Users.Addresses;

/// <summary>
/// A user's own addresses. Every change is scoped to the signed-in user's id: an address of
/// another account is reported as not found, so its existence is not revealed either. Every
/// change runs in a transaction that holds the account's row locked (<see cref="OpenAsync"/>),
/// so that two at once (two tabs, a double click) see each other: the count limit, the one
/// default address and a removal are decided on what the other change left.
/// </summary>
public static class AddressMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<AddressPayloadType>>("addAddress")
            .Argument<NonNullGraphType<AddressInputType>>("input")
            .ResolveAsync(async ctx => await AddAsync(ctx, ctx.GetArgument<AddressInput>("input")));
        mutation.Field<NonNullGraphType<AddressPayloadType>>("updateAddress")
            .Argument<NonNullGraphType<UpdateAddressInputType>>("input")
            .ResolveAsync(async ctx => await UpdateAsync(ctx, ctx.GetArgument<UpdateAddressInput>("input")));
        mutation.Field<NonNullGraphType<AddressPayloadType>>("removeAddress")
            .Argument<NonNullGraphType<RemoveAddressInputType>>("input")
            .ResolveAsync(async ctx => await RemoveAsync(ctx, ctx.GetArgument<RemoveAddressInput>("input")));
    }

    private static async Task<AddressPayload> AddAsync(IResolveFieldContext ctx, AddressInput input)
    {
        var userId = ctx.CurrentUser().RequireUser();
        if (AddressErrors.Validate(input, "input") is { Count: > 0 } errors)
            return AddressPayload.Failed([.. errors]);

        await using var db = await Contexts(ctx).CreateDbContextAsync(ctx.CancellationToken);
        await using var book = await OpenAsync(db, userId, ctx.CancellationToken);
        var user = book.User;
        var count = await db.Addresses.CountAsync(a => a.UserId == userId, ctx.CancellationToken);
        if (count >= AddressErrors.MaxPerUser)
            return AddressPayload.Failed(new UserError(AddressErrors.TooMany, $"An account may keep at most {AddressErrors.MaxPerUser} addresses."));

        var address = new Address
        {
            Id = $"addr-{Guid.NewGuid():N}",
            UserId = userId,
            CreatedAt = DateTimeOffset.UtcNow,
            DefaultShipping = count == 0,
        };
        Apply(address, input);
        db.Addresses.Add(address);
        await book.SaveAsync(ctx.CancellationToken);
        return new AddressPayload(address, user, []);
    }

    private static async Task<AddressPayload> UpdateAsync(IResolveFieldContext ctx, UpdateAddressInput input)
    {
        var current = ctx.CurrentUser();
        var userId = current.RequireUser();
        if (input.Address is not null && AddressErrors.Validate(input.Address, "input", "address") is { Count: > 0 } errors)
            return AddressPayload.Failed([.. errors]);

        await using var db = await Contexts(ctx).CreateDbContextAsync(ctx.CancellationToken);
        await using var book = await OpenAsync(db, userId, ctx.CancellationToken);
        var address = current.Owned(await db.Addresses.FirstOrDefaultAsync(a => a.Id == input.Id && a.UserId == userId, ctx.CancellationToken));
        if (address is null)
            return AddressPayload.Failed(AddressErrors.NotFoundError());

        if (input.Address is not null)
            Apply(address, input.Address);
        if (input.DefaultShipping == true && !address.DefaultShipping)
        {
            await db.Addresses.Where(a => a.UserId == userId && a.DefaultShipping)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.DefaultShipping, false), ctx.CancellationToken);
            address.DefaultShipping = true;
        }
        await book.SaveAsync(ctx.CancellationToken);
        return new AddressPayload(address, book.User, []);
    }

    private static async Task<AddressPayload> RemoveAsync(IResolveFieldContext ctx, RemoveAddressInput input)
    {
        var current = ctx.CurrentUser();
        var userId = current.RequireUser();
        await using var db = await Contexts(ctx).CreateDbContextAsync(ctx.CancellationToken);
        await using var book = await OpenAsync(db, userId, ctx.CancellationToken);
        var address = current.Owned(await db.Addresses.FirstOrDefaultAsync(a => a.Id == input.Id && a.UserId == userId, ctx.CancellationToken));
        if (address is null)
            return AddressPayload.Failed(AddressErrors.NotFoundError());

        db.Addresses.Remove(address);
        if (address.DefaultShipping)
        {
            // The oldest remaining address becomes the default.
            var next = await db.Addresses.Where(a => a.UserId == userId && a.Id != address.Id)
                .OrderBy(a => a.CreatedAt).ThenBy(a => a.Id).FirstOrDefaultAsync(ctx.CancellationToken);
            if (next is not null)
                next.DefaultShipping = true;
        }
        await book.SaveAsync(ctx.CancellationToken);
        return new AddressPayload(null, book.User, []);
    }

    /// <summary>
    /// The account's addresses opened for one change: a transaction that holds the account's
    /// row locked until <see cref="SaveAsync"/> commits it (or disposing rolls it back), so that
    /// changes to one account's addresses run one after another.
    /// </summary>
    private sealed class AddressBook(User user, IDbContextTransaction transaction, UsersDbContext db) : IAsyncDisposable
    {
        public User User { get; } = user;

        public async Task SaveAsync(CancellationToken cancellationToken)
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        public ValueTask DisposeAsync() => transaction.DisposeAsync();
    }

    private static async Task<AddressBook> OpenAsync(UsersDbContext db, string userId, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var user = await db.LockUserAsync(userId, cancellationToken);
        if (user is null)
        {
            await transaction.DisposeAsync();
            throw new GraphQLFailure(ErrorCodes.Unauthenticated, "The signed-in account no longer exists.");
        }
        return new AddressBook(user, transaction, db);
    }

    private static void Apply(Address address, AddressInput input)
    {
        address.Name = input.Name.Trim();
        address.Line1 = input.Line1.Trim();
        address.Line2 = string.IsNullOrWhiteSpace(input.Line2) ? null : input.Line2.Trim();
        address.City = input.City.Trim();
        address.Region = string.IsNullOrWhiteSpace(input.Region) ? null : input.Region.Trim();
        address.PostalCode = input.PostalCode.Trim();
        address.Country = input.Country;
    }

    private static IDbContextFactory<UsersDbContext> Contexts(IResolveFieldContext ctx) =>
        ctx.RequestServices!.GetRequiredService<IDbContextFactory<UsersDbContext>>();
}
