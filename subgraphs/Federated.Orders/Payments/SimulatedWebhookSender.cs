using System.Globalization;
using System.Text;
using System.Text.Json;
using Federated.Kit.Hosting;
using Npgsql;

namespace Federated.Orders.Payments;

/// <summary>
/// The simulated provider's webhook delivery, as the big providers behave: every payment event
/// is POSTed, signed, to the store's endpoint until it answers 2xx; delivery is at least once
/// (<c>Payments:Webhooks:Copies</c>, two by default, so the store always sees repeats) and the
/// events of one round go out newest first (<c>Payments:Webhooks:Reorder</c>, on by default),
/// eight at a time, so the store must not rely on order either. An event the store refused (or
/// did not answer) is sent again after a wait that doubles with each failure, from the round's
/// interval up to <c>Payments:Webhooks:MaxBackoff</c> (5 minutes), as providers back off: before,
/// every refused event went again every half second, and a store shedding load (503) was sent
/// more of it. Off without <c>Payments:Webhooks:Secret</c>.
/// </summary>
public sealed class SimulatedWebhookSender(NpgsqlDataSource dataSource, IHttpClientFactory httpClients, IConfiguration configuration,
    IHostApplicationLifetime lifetime, ILogger<SimulatedWebhookSender> logger) : BackgroundService
{
    public const string HttpClientName = "payment-webhooks";
    private const int RoundSize = 500;
    private const int Parallelism = 8;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (WebhookSignature.Secret(configuration) is not { } secret || WebhookUrl(configuration) is not { } url)
        {
            logger.LogWarning("Payment webhooks are off: set Payments:Webhooks:Secret (and Subgraphs:orders:Url or Payments:Webhooks:Url)");
            return;
        }
        var copies = Math.Max(1, configuration.GetValue("Payments:Webhooks:Copies", 2));
        var reorder = configuration.GetValue("Payments:Webhooks:Reorder", true);
        // Events left undelivered by a previous run go out once this instance listens, not into a refused connection.
        var started = new TaskCompletionSource();
        using (lifetime.ApplicationStarted.Register(() => started.TrySetResult()))
            await started.Task.WaitAsync(stoppingToken);
        var interval = configuration.GetValue("Payments:Webhooks:Interval", TimeSpan.FromMilliseconds(500));
        var maxBackoff = configuration.GetValue("Payments:Webhooks:MaxBackoff", TimeSpan.FromMinutes(5));
        using var timer = new PeriodicTimer(interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await DeliverAsync(url, secret, copies, reorder, interval, maxBackoff, stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "Webhook delivery failed; retrying");
            }
        }
    }

    public static Uri? WebhookUrl(IConfiguration configuration) =>
        configuration["Payments:Webhooks:Url"] is { Length: > 0 } url ? new Uri(url)
        : configuration["Subgraphs:orders:Url"] is { Length: > 0 } orders ? new Uri(new Uri(orders), "/webhooks/payments")
        : null;

    private async Task DeliverAsync(Uri url, string secret, int copies, bool reorder, TimeSpan interval, TimeSpan maxBackoff, CancellationToken cancellationToken)
    {
        var due = new List<DueEvent>();
        await using (var select = dataSource.CreateCommand($"""
            select sequence, event_id, idempotency_key, type, created_at from {SimulatedPaymentProvider.Events}
            where delivered_at is null and (retry_at is null or retry_at <= now()) order by sequence limit {RoundSize}
            """))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                due.Add(new(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetFieldValue<DateTimeOffset>(4)));
        }
        if (due.Count == 0)
            return;
        if (reorder)
            due.Reverse();
        // Several at once, as a provider's delivery fleet sends them; the round is recorded in one statement.
        var http = httpClients.CreateClient(HttpClientName);
        var delivered = new int[due.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, due.Count), new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) => delivered[i] = await SendAsync(http, url, secret, copies, due[i], ct));
        // A refused event waits interval * 2^(failures - 1), at most maxBackoff, before it goes again.
        await using var update = dataSource.CreateCommand($"""
            update {SimulatedPaymentProvider.Events} e set deliveries = e.deliveries + d.copies,
                delivered_at = case when d.copies > 0 then now() end,
                failures = e.failures + case when d.copies > 0 then 0 else 1 end,
                retry_at = case when d.copies > 0 then null
                    else now() + least($4::float8, $3::float8 * power(2, least(e.failures, 30))) * interval '1 millisecond' end
            from unnest($1::bigint[], $2::int[]) as d(sequence, copies)
            where e.sequence = d.sequence
            """);
        update.Parameters.AddValues(due.Select(e => e.Sequence).ToArray(), delivered, interval.TotalMilliseconds, maxBackoff.TotalMilliseconds);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>POSTs one event <paramref name="copies"/> times; how many were taken (2xx).</summary>
    private async Task<int> SendAsync(HttpClient http, Uri url, string secret, int copies, DueEvent e, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new
        {
            id = e.EventId,
            type = e.Type,
            sequence = e.Sequence,
            created = e.Created.ToUnixTimeSeconds(),
            data = new { idempotencyKey = e.Key },
        });
        var delivered = 0;
        for (var copy = 0; copy < copies; copy++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header, WebhookSignature.Sign(secret, DateTimeOffset.UtcNow, body));
            try
            {
                using var response = await http.SendAsync(request, cancellationToken);
                if (response.IsSuccessStatusCode)
                    delivered++;
                else
                    logger.LogWarning("Webhook {EventId} got {Status}", e.EventId, (int)response.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // A store that does not answer within the client's timeout is a delivery failed,
                // as a refusal is: thrown on, it lost the record of the whole round's deliveries.
                logger.LogWarning("Webhook {EventId} not delivered: {Reason}", e.EventId, ex.Message);
            }
        }
        return delivered;
    }

    private sealed record DueEvent(long Sequence, string EventId, string Key, string Type, DateTimeOffset Created);
}

/// <summary>
/// <c>Webhook-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>, the
/// scheme the well-known providers use: the timestamp is signed too, so an old delivery cannot
/// be replayed later than <see cref="Tolerance"/>.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "Webhook-Signature";
    public static readonly TimeSpan Tolerance = TimeSpan.FromMinutes(5);

    public static string? Secret(IConfiguration configuration) =>
        configuration["Payments:Webhooks:Secret"] is { Length: > 0 } secret ? secret : null;

    public static string Sign(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Mac(secret, timestamp, body)}";
    }

    public static bool Verify(string secret, string? header, string body, DateTimeOffset now)
    {
        if (header is null)
            return false;
        string? timestamp = null, mac = null;
        foreach (var part in header.Split(','))
        {
            var pair = part.Split('=', 2);
            if (pair is ["t", var t])
                timestamp = t;
            else if (pair is ["v1", var v])
                mac = v;
        }
        if (timestamp is null || mac is null || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return false;
        // In seconds, as sent: a time past what a DateTimeOffset holds (t=99999999999999) is as stale as any other.
        if (Math.Abs(now.ToUnixTimeSeconds() - seconds) > (long)Tolerance.TotalSeconds)
            return false;
        return System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Mac(secret, timestamp, body)), Encoding.ASCII.GetBytes(mac.ToLowerInvariant()));
    }

    private static string Mac(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
