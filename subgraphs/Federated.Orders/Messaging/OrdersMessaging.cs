using JasperFx;
using JasperFx.CodeGeneration;
using JasperFx.CodeGeneration.Model;
using Federated.Orders.Payments;
using Npgsql;
using Wolverine;
using Wolverine.EntityFrameworkCore;
using Wolverine.ErrorHandling;
using Wolverine.Postgresql;

namespace Federated.Orders.Messaging;

/// <summary>
/// Durable messaging for the orders service: WolverineFx with its PostgreSQL message store in
/// the orders database (schema <c>wolverine</c>). Every step that crosses to another service
/// or waits for time (giving stock and money back, abandoning an interrupted placement,
/// expiring a 3-D Secure challenge, applying a payment provider's webhook) is a message
/// written in the same transaction as the order change that calls for it (the transactional
/// outbox), handled on durable local queues, and retried until it succeeds. A message written
/// by an instance that died is picked up by the next one to start (or by any other running
/// instance): nothing accepted is lost.
/// </summary>
public static class OrdersMessaging
{
    public const string StoreSchema = "wolverine";

    public static IHostApplicationBuilder AddOrdersMessaging(this IHostApplicationBuilder builder)
    {
        var pollingTime = builder.Configuration.GetValue("Orders:Messaging:PollingTime", TimeSpan.FromSeconds(2));
        var batchSize = builder.Configuration.GetValue("Orders:Messaging:BatchSize", 1000);
        var staleAfter = builder.Configuration.GetValue("Orders:Messaging:StaleAfter", TimeSpan.FromMinutes(10));
        builder.UseWolverine(options =>
        {
            options.ServiceName = OrdersExtensions.ServiceName;
            // Message ids of a time and 74 random bits (RFC 9562 version 7). Wolverine's default
            // (MassTransit's NewId) is a time, a sequence and the machine's network address, the
            // same in every process on one machine (or in containers that share it): two
            // instances that wrote a message in the same 100 ns tick wrote the same id, and the
            // envelope tables' primary key refused the second (its order change with it) or the
            // inbox took it for a duplicate. The ids' order by time, which NewId was chosen
            // for, is kept.
            options.EnvelopeIdGeneration = EnvelopeIdGeneration.GuidV7;
            // Handler code is generated ahead of time (eng/wolverine-codegen.sh writes
            // Internal/Generated) and compiled with the service: compiling it with Roslyn at run
            // time happened on each message type's first arrival, minutes into a busy run, and
            // JIT-compiling Roslyn itself then took a core for a minute or more. A handler without
            // its generated class stops the service at start-up.
            options.CodeGeneration.TypeLoadMode = TypeLoadMode.Static;
            // Handlers take the typed catalog HttpClient, which the container builds from a factory.
            options.ServiceLocationPolicy = ServiceLocationPolicy.AlwaysAllowed;
            options.PersistMessagesWithPostgresqlUsingDataSourceFromContainer(sp => sp.GetRequiredService<NpgsqlDataSource>(), StoreSchema);
            options.UseEntityFrameworkCoreTransactions();
            options.AutoBuildMessageStorageOnStartup = AutoCreate.CreateOrUpdate;
            options.Policies.UseDurableLocalQueues();
            options.Durability.Mode = DurabilityMode.Balanced;
            // How soon a due scheduled message (a deadline) or a dead instance's messages are noticed.
            options.Durability.ScheduledJobPollingTime = pollingTime;
            options.Durability.NodeReassignmentPollingTime = pollingTime;
            // Due messages taken per poll: when every order scheduled four (a deadline and three
            // fulfillment steps, before sweeps and waves took those over), Wolverine's default of
            // 100 every 5 s (20 a second) fell behind a checkout of a few dozen orders a second;
            // 1,000 every 2 s keeps a burst of retries or challenge deadlines from queueing.
            options.Durability.RecoveryBatchSize = batchSize;
            // A message an instance owns but holds in no queue is taken back for any instance once
            // it has waited this long since it was last claimed (Wolverine's own recovery covers
            // messages of instances that died, not of live ones): one committed with an order change
            // whose commit's answer was lost (the change stands, but the write was thrown as
            // failed, and the message never queued), or one whose next retry could not be written
            // while the database was unreachable. Before, such a message (a cancelled order's void
            // and release, a refund) waited for its instance to stop. Wolverine 6.62 takes back only
            // messages waiting to run, and renews the claim of those an instance holds (queued or
            // running) three times per period, so a backlog or a slow handler is not taken from
            // under it; a message can run twice only when its instance cannot reach the database
            // while the one recovering can, which every handler allows.
            options.Durability.InboxStaleTime = staleAfter;
            options.Discovery.IncludeAssembly(typeof(OrdersMessaging).Assembly);
            // Webhooks come in bursts for one payment (challenge required, authorized, each twice):
            // reconciling them one at a time saves the retries of concurrent updates to one order.
            options.LocalQueueFor<ReconcilePayment>().Sequential();

            // Another service down or a row changed under us: try again soon, then keep trying
            // at longer intervals, hourly for as long as it fails. Every message gives something
            // back or records what a service answered (units, money, a payment's outcome): one
            // moved to the dead-letter table after its last retry (about 81 minutes, as it was)
            // waited there for an operator, its units or money held meanwhile, however soon the
            // other service came back.
            options.Policies.OnAnyException()
                .RetryWithCooldown(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5))
                .Then.ScheduleRetryIndefinitely(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5),
                    TimeSpan.FromMinutes(15), TimeSpan.FromHours(1));
        });
        return builder;
    }
}
