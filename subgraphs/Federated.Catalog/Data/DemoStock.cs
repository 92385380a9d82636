using Bogus;
using Federated.Catalog.Inventory;

namespace Federated.Catalog.Data;

/// <summary>
/// Demo stock for a product's variants in every fulfillment center: about one product in ten
/// is out of stock (nothing on hand, or all of it reserved), one in ten is low on stock
/// (1 to <see cref="AvailabilityRules.LowStockThreshold"/> units left), the rest have plenty.
/// </summary>
public static class DemoStock
{
    public sealed record Row(string Sku, string FulfillmentCenter, string ProductId, int OnHand, int Reserved);

    public static IEnumerable<Row> For(Faker faker, IReadOnlyList<ProductVariant> variants)
    {
        var kind = faker.Random.Int(0, 9);
        var lowUnits = faker.Random.Int(1, AvailabilityRules.LowStockThreshold);
        var rows = new List<Row>();
        foreach (var variant in variants)
        {
            foreach (var fc in FulfillmentCenters.All)
            {
                var (onHand, reserved) = kind switch
                {
                    0 => faker.Random.Bool() ? (0, 0) : (2, 2),
                    1 => variant.Position == 1 && fc == FulfillmentCenters.East ? (lowUnits + 1, 1) : (0, 0),
                    _ => Plenty(faker),
                };
                rows.Add(new Row(variant.Sku, fc, variant.ProductId, onHand, reserved));
            }
        }
        return rows;
    }

    private static (int OnHand, int Reserved) Plenty(Faker faker)
    {
        var onHand = faker.Random.Int(5, 150);
        return (onHand, faker.Random.Int(0, 3));
    }
}
