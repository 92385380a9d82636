using Federated.Kit.DataLoaders;
using Federated.Kit.EntityFramework;
using Federated.Kit.GraphQL;
using Federated.Kit.Hosting;
using Federated.Kit.Identity;
using Federated.Orders.Carts;
using Federated.Orders.Catalog;
using Federated.Orders.Checkout;
using Federated.Orders.Data;
using Federated.Orders.Fulfillment;
using Federated.Orders.Messaging;
using Federated.Orders.Orders;
using Federated.Orders.Payments;

namespace Federated.Orders;

public static class OrdersExtensions
{
    public const string ServiceName = "orders";

    public static IHostApplicationBuilder AddOrdersServices(this IHostApplicationBuilder builder)
    {
        builder.AddEntityFrameworkStore<OrdersDbContext>(OrdersDbContext.Schema);
        builder.AddRedisStore();
        builder.Services.AddStartupTask<OrdersSeeder>();
        // A claim's lease (the pending timeout and two sweeps) must end well within the time a
        // standing order's lines may still be taken out of its cart, or the sweep that looks
        // after a placement that did not finish would find the order too old to.
        if (InterruptedPlacements.PendingTimeout(builder.Configuration) + 2 * InterruptedPlacements.SweepInterval(builder.Configuration) > CartStore.ReplayTakesOutWithin / 2)
            throw new InvalidOperationException(
                $"Orders:PendingTimeout and two Orders:Messaging:PollingTime must come to at most {(CartStore.ReplayTakesOutWithin / 2).TotalMinutes} minutes (the default is 2 minutes and two of 2 s).");
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ServiceTokenIssuer>();
        builder.Services.AddHttpClient<CatalogClient>(http =>
        {
            http.BaseAddress = new Uri(builder.Configuration["Subgraphs:catalog:Url"]
                ?? throw new InvalidOperationException("Subgraphs:catalog:Url must be set: the catalog subgraph's /graphql URL (./run.sh sets it)."));
            http.Timeout = TimeSpan.FromSeconds(10);
        })
            // A logging scope and two log calls per call, at every order step, for lines the
            // service's log level drops anyway; failures are logged where they are handled.
            .RemoveAllLoggers();
        builder.Services.AddSingleton<CartStore>();
        builder.Services.AddScoped<CartPricing>();
        builder.Services.AddSingleton<Discounts>();
        builder.Services.AddSingleton<SimulatedPaymentProvider>();
        builder.Services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SimulatedPaymentProvider>());
        builder.Services.AddStartupTask<SimulatedPaymentProvider>();
        builder.Services.AddHttpClient(SimulatedWebhookSender.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        builder.Services.AddHostedService<SimulatedWebhookSender>();
        builder.Services.AddScoped<FraudRules>();
        builder.Services.AddSingleton<PlacementWrites>();
        builder.Services.AddScoped<OrderPlacement>();
        builder.Services.AddScoped<OrderSettlement>();
        builder.Services.AddScoped<RefundIssuer>();
        builder.Services.AddDataLoader<OrdersByUserDataLoader>();
        builder.Services.AddDataLoader<OrderByIdDataLoader>();
        builder.Services.AddDataLoader<OrderCountDataLoader>();
        builder.Services.AddSingleton<FaultInjection>();
        builder.Services.AddSingleton<OrderOutbox>();
        builder.AddOrdersMessaging();
        builder.Services.AddStartupTask<GeneratedHandlers>();
        builder.Services.AddSingleton<FulfillmentProcess>();
        builder.Services.AddHostedService<FulfillmentWaves>();
        builder.Services.AddHostedService<InterruptedPlacements>();
        // Deadline messages and fulfillment waves query as they come due; their SQL is not news.
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);
        builder.AddSubgraph<OrdersQuery>(ServiceName, typeof(OrdersMutation));
        return builder;
    }
}
