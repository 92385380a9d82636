using Federated.Catalog.Data;
using Federated.Kit.Errors;
using Federated.Kit.Types;
using GraphQL.Types;

namespace Federated.Catalog.Variants;

public sealed record VariantPayload(ProductVariant? Variant, IReadOnlyList<UserError> Errors)
{
    public static VariantPayload Failed(params UserError[] errors) => new(null, errors);
}

public sealed class VariantPayloadType : ObjectGraphType<VariantPayload>
{
    public VariantPayloadType()
    {
        Name = "VariantPayload";
        Field(p => p.Variant, type: typeof(ProductVariantType)).Description("The variant after the change; null on errors.");
        Field(p => p.Errors, type: typeof(NonNullGraphType<ListGraphType<NonNullGraphType<UserErrorType>>>));
    }
}
