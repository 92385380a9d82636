using Federated.Gateway.FeatureGraphs.Data;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Gateway.FeatureGraphs.Accounts;

/// <summary>An entity interface (federation 2.3): the reviews subgraph adds fields to every account through @interfaceObject.</summary>
public sealed class AccountInterface : InterfaceGraphType<AccountRecord>
{
    public AccountInterface()
    {
        Name = "Account";
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id");
        Field<NonNullGraphType<StringGraphType>>("name");
        // A representation typed "Account" (from the @interfaceObject subgraph) resolves to the concrete account.
        this.ResolveReference<IdKey, AccountRecord>((ctx, key) => ctx.State().Account(key.Id)!);
    }
}

/// <summary>Keyed by id alone and by id with its org (a nested key field), which is how the reviews subgraph knows users.</summary>
public sealed class UserType : ObjectGraphType<AccountRecord>
{
    public UserType()
    {
        Name = "User";
        Interface<AccountInterface>();
        IsTypeOf = value => value is AccountRecord { AdminLevel: null };
        this.Key("id");
        this.Key("id org { id }");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(ctx => ctx.Source.Name);
        Field<NonNullGraphType<StringGraphType>>("username").Resolve(ctx => ctx.Source.Username).Shareable();
        Field<NonNullGraphType<OrgType>>("org").Resolve(ctx => ctx.State().Orgs.First(o => o.Id == ctx.Source.OrgId));
        this.ResolveReference<UserKey, AccountRecord>((ctx, key) =>
            ctx.State().Account(key.Id) is { AdminLevel: null } user && (key.Org is null || key.Org.Id == user.OrgId)
                ? user
                : throw WorldAccess.Failure($"No user {key.Id}.", "NOT_FOUND"));
    }
}

public sealed class AdminType : ObjectGraphType<AccountRecord>
{
    public AdminType()
    {
        Name = "Admin";
        Interface<AccountInterface>();
        IsTypeOf = value => value is AccountRecord { AdminLevel: not null };
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(ctx => ctx.Source.Name);
        Field<NonNullGraphType<IntGraphType>>("level").Resolve(ctx => ctx.Source.AdminLevel);
        this.ResolveReference<IdKey, AccountRecord>((ctx, key) => ctx.State().Account(key.Id)!);
    }
}

public sealed class OrgType : ObjectGraphType<Org>
{
    public OrgType()
    {
        Name = "Org";
        this.Key("id");
        Field<NonNullGraphType<IdGraphType>>("id").Resolve(ctx => ctx.Source.Id);
        Field<NonNullGraphType<StringGraphType>>("name").Resolve(ctx => ctx.Source.Name);
        this.ResolveReference<IdKey, Org>((ctx, key) => ctx.State().Orgs.First(o => o.Id == key.Id));
    }
}

/// <summary>Inventory's warehouse (a compound key), with the user who manages it.</summary>
public sealed class WarehouseType : ObjectGraphType<WarehouseRecord>
{
    public WarehouseType()
    {
        Name = "Warehouse";
        this.Key("region code");
        Field<NonNullGraphType<StringGraphType>>("region").Resolve(ctx => ctx.Source.Region);
        Field<NonNullGraphType<StringGraphType>>("code").Resolve(ctx => ctx.Source.Code);
        Field<NonNullGraphType<UserType>>("manager").Resolve(ctx => ctx.State().Account(ctx.Source.ManagerId));
        this.ResolveReference<WarehouseKey, WarehouseRecord>((ctx, key) => ctx.State().Warehouse(key.Region, key.Code)!);
    }
}

/// <summary>The first hop of the seller key chain: reviews knows a seller's handle, products its account number.</summary>
public sealed class SellerType : ObjectGraphType<SellerRecord>
{
    public SellerType()
    {
        Name = "Seller";
        this.Key("handle");
        this.Key("accountNo");
        Field<NonNullGraphType<IdGraphType>>("handle").Resolve(ctx => ctx.Source.Handle);
        Field<NonNullGraphType<IdGraphType>>("accountNo").Resolve(ctx => ctx.Source.AccountNo);
        this.ResolveReference<SellerKey, SellerRecord>((ctx, key) =>
            ctx.State().Sellers.First(s => s.Handle == key.Handle || s.AccountNo == key.AccountNo));
    }
}
