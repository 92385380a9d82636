using GraphQL.Types;

namespace Federated.Orders.Carts;

public sealed record AddToCartInput(string Sku, int Quantity);

public sealed record UpdateCartLineInput(string LineId, int Quantity);

public sealed record RemoveCartLineInput(string LineId);

public sealed record ApplyDiscountCodeInput(string Code);

public sealed class AddToCartInputType : InputObjectGraphType<AddToCartInput>
{
    public AddToCartInputType()
    {
        Name = "AddToCartInput";
        Field(i => i.Sku, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.Quantity).Description($"Units to add, 1 to {CartStore.MaxQuantityPerLine}.");
    }
}

public sealed class UpdateCartLineInputType : InputObjectGraphType<UpdateCartLineInput>
{
    public UpdateCartLineInputType()
    {
        Name = "UpdateCartLineInput";
        Field(i => i.LineId, type: typeof(NonNullGraphType<IdGraphType>));
        Field(i => i.Quantity).Description($"The new quantity, 0 to {CartStore.MaxQuantityPerLine}; 0 removes the line.");
    }
}

public sealed class RemoveCartLineInputType : InputObjectGraphType<RemoveCartLineInput>
{
    public RemoveCartLineInputType()
    {
        Name = "RemoveCartLineInput";
        Field(i => i.LineId, type: typeof(NonNullGraphType<IdGraphType>));
    }
}

public sealed class ApplyDiscountCodeInputType : InputObjectGraphType<ApplyDiscountCodeInput>
{
    public ApplyDiscountCodeInputType()
    {
        Name = "ApplyDiscountCodeInput";
        Field(i => i.Code);
    }
}
