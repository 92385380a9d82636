using GraphQL.Federation;
using GraphQL.Types;

namespace Federated.Kit.Types;

public sealed class MoneyType : ObjectGraphType<Money>
{
    public MoneyType()
    {
        Name = "Money";
        this.Shareable();
        Field(x => x.Amount, type: typeof(NonNullGraphType<DecimalType>));
        Field(x => x.CurrencyCode).Description("ISO 4217 currency code.");
    }
}
