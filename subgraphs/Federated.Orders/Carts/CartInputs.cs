using GraphQL.Types;

namespace Federated.Orders.Carts;

public sealed record AddToCartInput(string? CartId, string Sku, int Quantity);

public sealed record UpdateCartLineInput(string? CartId, string LineId, int Quantity);

public sealed record RemoveCartLineInput(string? CartId, string LineId);

public sealed record ApplyDiscountCodeInput(string? CartId, string Code);

public sealed class AddToCartInputType : InputObjectGraphType<AddToCartInput>
{
    public AddToCartInputType()
    {
        Name = "AddToCartInput";
        Field(i => i.CartId, type: typeof(IdGraphType)).Description(CartInputs.CartIdDescription);
        Field(i => i.Sku, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.Quantity).Description($"Units to add, 1 to {CartStore.MaxQuantityPerLine}.");
    }
}

public sealed class UpdateCartLineInputType : InputObjectGraphType<UpdateCartLineInput>
{
    public UpdateCartLineInputType()
    {
        Name = "UpdateCartLineInput";
        Field(i => i.CartId, type: typeof(IdGraphType)).Description(CartInputs.CartIdDescription);
        Field(i => i.LineId, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.Quantity).Description($"The new quantity, 0 to {CartStore.MaxQuantityPerLine}; 0 removes the line.");
    }
}

public sealed class RemoveCartLineInputType : InputObjectGraphType<RemoveCartLineInput>
{
    public RemoveCartLineInputType()
    {
        Name = "RemoveCartLineInput";
        Field(i => i.CartId, type: typeof(IdGraphType)).Description(CartInputs.CartIdDescription);
        Field(i => i.LineId, type: typeof(NonNullGraphType<IdGraphType>));
    }
}

public sealed class ApplyDiscountCodeInputType : InputObjectGraphType<ApplyDiscountCodeInput>
{
    public ApplyDiscountCodeInputType()
    {
        Name = "ApplyDiscountCodeInput";
        Field(i => i.CartId, type: typeof(IdGraphType)).Description(CartInputs.CartIdDescription);
        Field(i => i.Code);
    }
}

internal static class CartInputs
{
    public const string CartIdDescription =
        "A guest's cart id (from Cart.id). Signed in, the account's cart is used and a guest cart id given here is merged into it.";
}
