using Federated.Kit.Hosting;
using Npgsql;

namespace Federated.Orders.Payments;

/// <summary>
/// A payment provider simulated faithfully enough to test against: its own ledger table (the
/// provider's side, idempotent by key), test card tokens in the style of the well-known
/// providers (API.md), declines with reasons, a 3-D Secure challenge (answered through the
/// API or on the provider's own challenge page), timeouts after which the charge did happen on
/// the provider's side, as real timeouts go, and an event for every change of a payment, which
/// <see cref="SimulatedWebhookSender"/> delivers as signed webhooks: at least once, so
/// sometimes twice, and not always in order. Authorizations, and captures, that arrive together
/// are written in one statement (<see cref="StatementGroup{TRequest, TResult}"/>): a real
/// provider's writes are on its own machines, and these, one commit each, queued on this
/// machine's WAL with the store's own (two of every order's commits).
/// </summary>
public sealed class SimulatedPaymentProvider(NpgsqlDataSource dataSource) : IPaymentProvider, IStartupTask
{
    public const string Ledger = "orders.simulated_provider_ledger";
    public const string Events = "orders.simulated_provider_events";
    public const string Refunds = "orders.simulated_provider_refunds";
    public const string PassingChallengeResponse = "pass";

    private static readonly Dictionary<string, string> CardCountries = new()
    {
        ["tok_visa"] = "US", ["tok_mastercard"] = "US", ["tok_visa_de"] = "DE", ["tok_visa_gb"] = "GB",
        ["tok_chargeDeclined"] = "US", ["tok_insufficientFunds"] = "US", ["tok_threeDSecureRequired"] = "US", ["tok_timeout"] = "US",
    };

    private readonly StatementGroup<Authorization, ProviderResult?> _authorizations = new(group => AuthorizeAllAsync(dataSource, group));
    private readonly StatementGroup<string, ProviderResult?> _captures = new(keys => CaptureAllAsync(dataSource, keys));

    private sealed record Authorization(string IdempotencyKey, string Reference, string CardToken, decimal Amount, string Currency,
        ProviderOutcome Outcome, string? ChallengeId, string? DeclineReason);

    public string Name => "simulated";

    /// <summary>The answer for a key the ledger has no payment under.</summary>
    private static readonly ProviderResult UnknownPayment = new(ProviderOutcome.Declined, "", DeclineReason: "unknown_payment");

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Instances starting at once take turns: two creating one table at once can fail. The
        // tables grow by rows with orders, as the store's do, and are analyzed on the same small
        // sample (PostgresStore.SampledStatisticsTarget).
        await using var command = dataSource.CreateCommand($"""
            select pg_advisory_xact_lock(hashtext('{Ledger}'));
            create schema if not exists orders;
            create table if not exists {Ledger} (
                idempotency_key text primary key,
                reference text not null,
                card_token text,
                amount numeric(12, 2),
                currency text,
                outcome text not null,
                challenge_id text,
                decline_reason text,
                created_at timestamptz not null default now(),
                updated_at timestamptz not null default now()
            );
            create table if not exists {Events} (
                sequence bigserial primary key,
                event_id text not null unique,
                idempotency_key text not null,
                type text not null,
                created_at timestamptz not null default now(),
                deliveries int not null default 0,
                delivered_at timestamptz
            );
            {PostgresStore.AddColumnIfMissingSql(Ledger, "refunded", "numeric(12, 2) not null default 0")}
            {PostgresStore.AddColumnIfMissingSql(Events, "failures", "int not null default 0")}
            {PostgresStore.AddColumnIfMissingSql(Events, "retry_at", "timestamptz")}
            create table if not exists {Refunds} (
                refund_key text primary key,
                idempotency_key text not null,
                amount numeric(12, 2) not null,
                reference text not null,
                created_at timestamptz not null default now()
            );
            {PostgresStore.CreateIndexIfMissingSql("simulated_provider_events_undelivered", Events, "(sequence) where delivered_at is null")}
            {PostgresStore.CreateIndexIfMissingSql("simulated_provider_ledger_challenge", Ledger, "(challenge_id) where challenge_id is not null")}
            {PostgresStore.SampledStatisticsSql(Ledger, Events, Refunds)}
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public string? CardCountry(string cardToken) => CardCountries.GetValueOrDefault(cardToken);

    public async Task<ProviderResult> AuthorizeAsync(string idempotencyKey, decimal amount, string currency, string cardToken, CancellationToken cancellationToken)
    {
        var (outcome, challenge, reason) = cardToken switch
        {
            "tok_visa" or "tok_mastercard" or "tok_visa_de" or "tok_visa_gb" or "tok_timeout" => (ProviderOutcome.Authorized, null, null),
            "tok_threeDSecureRequired" => (ProviderOutcome.ChallengeRequired, $"3ds_{Guid.NewGuid():N}", null),
            "tok_chargeDeclined" => (ProviderOutcome.Declined, (string?)null, "card_declined"),
            "tok_insufficientFunds" => (ProviderOutcome.Declined, null, "insufficient_funds"),
            _ => (ProviderOutcome.Declined, null, "invalid_card_token"),
        };
        // The first call with a key decides; every later one gets the same answer.
        var result = (await _authorizations.RunAsync(
            new Authorization(idempotencyKey, $"ch_{Guid.NewGuid():N}", cardToken, amount, currency, outcome, challenge, reason), cancellationToken))!;
        if (cardToken == "tok_timeout")
            throw new PaymentTimeoutException();
        return result;
    }

    public async Task<ProviderResult> ConfirmAsync(string idempotencyKey, string challengeResponse, CancellationToken cancellationToken)
    {
        await AnswerChallengeAsync("idempotency_key", idempotencyKey, challengeResponse, cancellationToken);
        return await FindAsync(idempotencyKey, cancellationToken) ?? UnknownPayment;
    }

    /// <summary>
    /// The shopper answering on the provider's own challenge page (the bank's 3-D Secure page a
    /// client opens), without the store in between: the store learns it from the webhook.
    /// False when no payment waits on that challenge.
    /// </summary>
    public Task<bool> CompleteChallengeAsync(string challengeId, string challengeResponse, CancellationToken cancellationToken) =>
        AnswerChallengeAsync("challenge_id", challengeId, challengeResponse, cancellationToken);

    private async Task<bool> AnswerChallengeAsync(string column, string value, string challengeResponse, CancellationToken cancellationToken)
    {
        var passed = string.Equals(challengeResponse, PassingChallengeResponse, StringComparison.Ordinal);
        await using var command = dataSource.CreateCommand(WithEvent($"""
            update {Ledger} set outcome = $2, decline_reason = $3, updated_at = now()
            where {column} = $1 and outcome = 'ChallengeRequired'
            """));
        command.Parameters.AddValues(value, passed ? nameof(ProviderOutcome.Authorized) : nameof(ProviderOutcome.Declined), passed ? null : "authentication_failed");
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<ProviderResult> VoidAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var change = Positional.Statement(WithEvent($"""
            insert into {Ledger} (idempotency_key, reference, outcome) values ($1, $2, 'Voided')
            on conflict (idempotency_key) do update set
                outcome = case when {Ledger}.outcome = 'Captured' then 'Refunded' else 'Voided' end,
                refunded = case when {Ledger}.outcome = 'Captured' then {Ledger}.amount else {Ledger}.refunded end,
                updated_at = now()
            where {Ledger}.outcome not in ('Voided', 'Refunded')
            """), idempotencyKey, $"ch_{Guid.NewGuid():N}");
        return (await ChangeAndFindAllAsync(dataSource, change, [idempotencyKey], cancellationToken))[0]!;
    }

    public async Task<ProviderResult> CaptureAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        return await _captures.RunAsync(idempotencyKey, cancellationToken) ?? UnknownPayment;
    }

    /// <summary>
    /// Records every authorization of <paramref name="group"/> whose key is new (the first of a
    /// key twice in the group decides), with its event, and reads each key's payment as it then
    /// stands, in one round trip and one commit. Rows are inserted in the order of their keys,
    /// so that two groups naming the same keys wait for each other rather than deadlock.
    /// </summary>
    private static Task<IReadOnlyList<ProviderResult?>> AuthorizeAllAsync(NpgsqlDataSource dataSource, IReadOnlyList<Authorization> group) =>
        ChangeAndFindAllAsync(dataSource, Positional.Statement(WithEvent($"""
            insert into {Ledger} (idempotency_key, reference, card_token, amount, currency, outcome, challenge_id, decline_reason)
            select idempotency_key, reference, card_token, amount, currency, outcome, challenge_id, decline_reason
            from (
                select distinct on (idempotency_key) *
                from unnest($1::text[], $2::text[], $3::text[], $4::numeric[], $5::text[], $6::text[], $7::text[], $8::text[])
                    with ordinality as a(idempotency_key, reference, card_token, amount, currency, outcome, challenge_id, decline_reason, n)
                order by idempotency_key, n) a
            order by idempotency_key
            on conflict (idempotency_key) do nothing
            """),
            group.Select(a => a.IdempotencyKey).ToArray(), group.Select(a => a.Reference).ToArray(), group.Select(a => a.CardToken).ToArray(),
            group.Select(a => a.Amount).ToArray(), group.Select(a => a.Currency).ToArray(), group.Select(a => a.Outcome.ToString()).ToArray(),
            group.Select(a => a.ChallengeId).ToArray(), group.Select(a => a.DeclineReason).ToArray()),
            [.. group.Select(a => a.IdempotencyKey)]);

    /// <summary>
    /// Captures every authorized payment of <paramref name="keys"/>, with its event, and reads
    /// each as it then stands, in one round trip and one commit; the rows are locked in the
    /// order of their keys first (no deadlock with another group).
    /// </summary>
    private static Task<IReadOnlyList<ProviderResult?>> CaptureAllAsync(NpgsqlDataSource dataSource, IReadOnlyList<string> keys) =>
        ChangeAndFindAllAsync(dataSource, Positional.Statement(WithEvent($"""
            update {Ledger} l set outcome = 'Captured', updated_at = now()
            from (
                select idempotency_key as key from {Ledger}
                where idempotency_key = any($1) and outcome = 'Authorized'
                order by idempotency_key
                for update) k
            where l.idempotency_key = k.key and l.outcome = 'Authorized'
            """), (object)keys.ToArray()),
            keys);

    public async Task<RefundResult> RefundAsync(string idempotencyKey, string refundKey, decimal amount, CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        // The payment's row is locked while the refund is checked against what it still holds, so
        // two refunds at once cannot give back more than was captured; a key seen before inserts
        // nothing and changes nothing.
        batch.BatchCommands.Add(Positional.Statement($"""
            with payment as (
                select idempotency_key from {Ledger}
                where idempotency_key = $1 and outcome = 'Captured' and amount - refunded >= $3
                for update
            ), refund as (
                insert into {Refunds} (refund_key, idempotency_key, amount, reference)
                select $2, idempotency_key, $3, $4 from payment
                on conflict (refund_key) do nothing
                returning idempotency_key, amount
            ), changed as (
                update {Ledger} l set refunded = l.refunded + r.amount, updated_at = now(),
                    outcome = case when l.refunded + r.amount = l.amount then 'Refunded' else l.outcome end
                from refund r where l.idempotency_key = r.idempotency_key
                returning l.idempotency_key, l.outcome
            )
            insert into {Events} (event_id, idempotency_key, type)
            select 'evt_' || replace(gen_random_uuid()::text, '-', ''), idempotency_key,
                   case outcome when 'Refunded' then 'payment.refunded' else 'payment.partially_refunded' end
            from changed
            """, idempotencyKey, refundKey, amount, $"re_{Guid.NewGuid():N}"));
        batch.BatchCommands.Add(Positional.Statement($"""
            select r.reference, l.outcome, l.amount - l.refunded
            from {Ledger} l left join {Refunds} r on r.refund_key = $2
            where l.idempotency_key = $1
            """, idempotencyKey, refundKey));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
            return new RefundResult(false, null, "unknown_payment");
        if (!reader.IsDBNull(0))
            return new RefundResult(true, reader.GetString(0));
        return reader.GetString(1) switch
        {
            nameof(ProviderOutcome.Captured) => new RefundResult(false, null, "amount_exceeds_captured"),
            nameof(ProviderOutcome.Refunded) => new RefundResult(false, null, "already_refunded"),
            _ => new RefundResult(false, null, "payment_not_captured"),
        };
    }

    public Task<ProviderResult?> RetrieveAsync(string idempotencyKey, CancellationToken cancellationToken) => FindAsync(idempotencyKey, cancellationToken);

    /// <summary>
    /// The ledger change and its event in one statement: an event exactly when the payment
    /// changed. The ledger row's lock orders the events of one payment.
    /// </summary>
    private static string WithEvent(string change) => $"""
        with changed as ({change} returning idempotency_key, outcome)
        insert into {Events} (event_id, idempotency_key, type)
        select 'evt_' || replace(gen_random_uuid()::text, '-', ''), idempotency_key,
               'payment.' || case outcome when 'ChallengeRequired' then 'challenge_required' else lower(outcome) end
        from changed
        """;

    /// <summary>The payments of the keys in <c>$1</c>, each with its key last.</summary>
    private static readonly string FindSql = $"select outcome, reference, challenge_id, decline_reason, refunded, idempotency_key from {Ledger} where idempotency_key = any($1)";

    private async Task<ProviderResult?> FindAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(FindSql);
        command.Parameters.AddValues((object)new[] { idempotencyKey });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadAsync(reader, cancellationToken);
    }

    /// <summary>
    /// Applies <paramref name="change"/> (with its events) and reads each of
    /// <paramref name="keys"/>'s payments as it then stands (null for none), in one round trip:
    /// the two statements run in order in one implicit transaction.
    /// </summary>
    private static async Task<IReadOnlyList<ProviderResult?>> ChangeAndFindAllAsync(
        NpgsqlDataSource dataSource, NpgsqlBatchCommand change, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
    {
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(change);
        batch.BatchCommands.Add(Positional.Statement(FindSql, (object)keys.ToArray()));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var found = new Dictionary<string, ProviderResult>(keys.Count);
        while (await reader.ReadAsync(cancellationToken))
            found[reader.GetString(5)] = Read(reader);
        return [.. keys.Select(key => found.GetValueOrDefault(key))];
    }

    /// <summary>The payment from a reader positioned at the rows of <see cref="FindSql"/>.</summary>
    private static async Task<ProviderResult?> ReadAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken) ? Read(reader) : null;

    /// <summary>The payment at the reader's row, whose first columns are <see cref="FindSql"/>'s.</summary>
    private static ProviderResult Read(NpgsqlDataReader reader) =>
        new(Enum.Parse<ProviderOutcome>(reader.GetString(0)), reader.GetString(1),
            reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetDecimal(4));
}
