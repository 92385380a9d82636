using Federated.Catalog.Products;
using Federated.Kit.Errors;
using Federated.Kit.Identity;
using Federated.Kit.Types;
using GraphQL;
using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Catalog.Inventory;

/// <summary>
/// The inventory operations orders use: reserve at checkout, release when an order fails or is
/// cancelled, commit when it ships, restock when units committed for it never shipped. They are part of the catalog subgraph but <c>@inaccessible</c>:
/// the gateway leaves them out of the public graph, and only a caller with a service token may
/// run them, by calling the catalog subgraph directly. Each is idempotent by order id, so the
/// orders service can retry any of them (from its outbox) without double effects.
/// </summary>
public static class ReservationMutations
{
    public static void AddTo(ObjectGraphType mutation)
    {
        mutation.Field<NonNullGraphType<ReservationPayloadType>>("reserveStock")
            .Description("Internal (orders): holds stock for every line of an order, or for none.")
            .Argument<NonNullGraphType<ReserveStockInputType>>("input")
            .ResolveAsync(async ctx => await ReserveAsync(ctx, ctx.GetArgument<ReserveStockInput>("input")))
            .Inaccessible();
        mutation.Field<NonNullGraphType<ReservationPayloadType>>("releaseStock")
            .Description("Internal (orders): gives an order's held stock back.")
            .Argument<NonNullGraphType<ReservationInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireService();
                var input = ctx.GetArgument<ReservationInput>("input");
                return await ctx.RequestServices!.GetRequiredService<Reservations>().ReleaseAsync(input.OrderId, ctx.CancellationToken);
            })
            .Inaccessible();
        mutation.Field<NonNullGraphType<ReservationPayloadType>>("commitStock")
            .Description("Internal (orders): the order shipped; its held units leave stock.")
            .Argument<NonNullGraphType<ReservationInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireService();
                var input = ctx.GetArgument<ReservationInput>("input");
                return await ctx.RequestServices!.GetRequiredService<Reservations>().CommitAsync(input.OrderId, ctx.CancellationToken);
            })
            .Inaccessible();
        mutation.Field<NonNullGraphType<ReservationPayloadType>>("restockStock")
            .Description("Internal (orders): an order whose committed units never shipped (cancelled after they were committed); they go back on hand, once.")
            .Argument<NonNullGraphType<ReservationInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireService();
                var input = ctx.GetArgument<ReservationInput>("input");
                return await ctx.RequestServices!.GetRequiredService<Reservations>().RestockAsync(input.OrderId, ctx.CancellationToken);
            })
            .Inaccessible();
        mutation.Field<NonNullGraphType<ListGraphType<NonNullGraphType<ReservationPayloadType>>>>("commitStocks")
            .Description($"Internal (orders): several orders shipped at once (1 to {Reservations.MaxBatch}); one answer per order, in the order asked, as commitStock would give it.")
            .Argument<NonNullGraphType<CommitStocksInputType>>("input")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireService();
                var orderIds = ctx.GetArgument<CommitStocksInput>("input").OrderIds;
                if (orderIds.Count is 0 or > Reservations.MaxBatch)
                    throw new GraphQLFailure(CatalogErrors.InvalidInput, $"'orderIds' must hold 1 to {Reservations.MaxBatch} order ids.");
                return await ctx.RequestServices!.GetRequiredService<Reservations>().CommitManyAsync(orderIds, ctx.CancellationToken);
            })
            .Inaccessible();
    }

    public static void AddQueriesTo(ObjectGraphType query) =>
        query.Field<ReservationType>("reservation")
            .Description("Internal (orders): an order's reservation, if any.")
            .Argument<NonNullGraphType<IdGraphType>>("orderId")
            .ResolveAsync(async ctx =>
            {
                ctx.CurrentUser().RequireService();
                return await ctx.RequestServices!.GetRequiredService<Reservations>().FindAsync(ctx.GetArgument<string>("orderId"), ctx.CancellationToken);
            })
            .Inaccessible();

    private static async Task<ReservationResult> ReserveAsync(IResolveFieldContext ctx, ReserveStockInput input)
    {
        ctx.CurrentUser().RequireService();
        var lines = input.Lines.Select(l => new ReservationLine(l.Sku, l.Quantity, l.PricedAs)).ToList();
        var preferred = input.PreferredCenters ?? [];
        var errors = Reservations.Validate(input.OrderId, lines, preferred);
        if (errors.Count > 0)
            return ReservationResult.Failed([.. errors]);

        return await ctx.RequestServices!.GetRequiredService<Reservations>().ReserveAsync(input.OrderId, lines, preferred, ctx.CancellationToken);
    }
}

public sealed record ReserveStockInput(string OrderId, List<ReserveStockLineInput> Lines, List<string>? PreferredCenters);

public sealed record ReserveStockLineInput(string Sku, int Quantity, SaleTerms? PricedAs);

public sealed record ReservationInput(string OrderId);

public sealed record CommitStocksInput(List<string> OrderIds);

public sealed class ReserveStockInputType : InputObjectGraphType<ReserveStockInput>
{
    public ReserveStockInputType()
    {
        Name = "ReserveStockInput";
        this.Inaccessible();
        Field(i => i.OrderId, type: typeof(NonNullGraphType<IdGraphType>)).Description("The idempotency key: one reservation per order.");
        Field(i => i.Lines, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<ReserveStockLineInputType>>>));
        Field(i => i.PreferredCenters, type: typeof(ListGraphType<NonNullGraphType<StringGraphType>>))
            .Description("Fulfillment centers to take stock from first, nearest first; the rest follow, best stocked first.");
    }
}

public sealed class ReserveStockLineInputType : InputObjectGraphType<ReserveStockLineInput>
{
    public ReserveStockLineInputType()
    {
        Name = "ReserveStockLineInput";
        this.Inaccessible();
        Field(i => i.Sku, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.Quantity);
        Field(i => i.PricedAs, type: typeof(PricedAsInputType))
            .Description($"What the order was priced at; when the variant's price or weight is not that now, nothing is reserved ({Reservations.PriceChanged}).");
    }
}

public sealed class PricedAsInputType : InputObjectGraphType<SaleTerms>
{
    public PricedAsInputType()
    {
        Name = "PricedAsInput";
        this.Inaccessible();
        Field(i => i.Price, type: typeof(NonNullGraphType<DecimalType>)).Description("The unit price.");
        Field(i => i.CurrencyCode);
        Field(i => i.WeightGrams).Description("The unit's shipping weight in grams.");
    }
}

public sealed class ReservationInputType : InputObjectGraphType<ReservationInput>
{
    public ReservationInputType()
    {
        Name = "ReservationInput";
        this.Inaccessible();
        Field(i => i.OrderId, type: typeof(NonNullGraphType<IdGraphType>));
    }
}

public sealed class CommitStocksInputType : InputObjectGraphType<CommitStocksInput>
{
    public CommitStocksInputType()
    {
        Name = "CommitStocksInput";
        this.Inaccessible();
        Field(i => i.OrderIds, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<IdGraphType>>>));
    }
}

public sealed class ReservationStatusType : EnumerationGraphType<ReservationStatus>
{
    public ReservationStatusType()
    {
        Name = "ReservationStatus";
        this.Inaccessible();
    }
}

public sealed class ReservationType : ObjectGraphType<Reservation>
{
    public ReservationType()
    {
        Name = "Reservation";
        this.Inaccessible();
        Field(r => r.OrderId, type: typeof(NonNullGraphType<IdGraphType>));
        Field(r => r.Status, type: typeof(NonNullGraphType<ReservationStatusType>));
        Field(r => r.Lines, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<ReservedUnitsType>>>))
            .Description("Where each line's units are held; a line may be split over centers.");
    }
}

public sealed class ReservedUnitsType : ObjectGraphType<ReservedUnits>
{
    public ReservedUnitsType()
    {
        Name = "ReservedUnits";
        this.Inaccessible();
        Field(r => r.Sku, type: typeof(NonNullGraphType<IdGraphType>));
        Field(r => r.FulfillmentCenter);
        Field(r => r.Quantity);
    }
}

public sealed class ReservationPayloadType : ObjectGraphType<ReservationResult>
{
    public ReservationPayloadType()
    {
        Name = "ReservationPayload";
        this.Inaccessible();
        Field(p => p.Reservation, type: typeof(ReservationType));
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
