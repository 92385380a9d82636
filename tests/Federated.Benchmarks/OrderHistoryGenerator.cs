using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace Federated.Benchmarks;

/// <summary>
/// Writes finished orders into a database the orders service migrated, with every row a real
/// one leaves: its lines (1 to 3, of catalog variants), its payment, its parcel and the parcel's
/// events, the simulated provider's ledger row and events (all delivered), and for a few a
/// cancellation or a refund. About 95% Delivered, 3% Cancelled before packing (payment voided),
/// 2% Refunded after delivery; none in a status a fulfillment wave or a sweep picks up (Pending,
/// PaymentActionRequired, Paid, Fulfilling, Shipped), and no provider event left to deliver.
/// Placed over <see cref="Span"/> ending <see cref="Settled"/> before the day it is built, by
/// customers shaped as the benchmark's buyers, about <see cref="OrdersPerCustomer"/> orders each,
/// a few customers many more. Set-based, in PostgreSQL, a batch of <see cref="BatchSize"/> orders
/// per transaction, each batch's rows in the order a live store would have written them.
/// </summary>
public sealed class OrderHistoryGenerator(NpgsqlConnection connection)
{
    /// <summary>
    /// What the history is made by: its SQL and the constants it is given. <see cref="OrderHistory"/>
    /// keeps a hash of it (with the simulated provider's source, whose tables no migration makes)
    /// in the template, so that a change to either builds the template again without anybody
    /// having to remember to (the buyers draw the history's customers by the same constants).
    /// </summary>
    public static string Recipe => $"{SetupSql}{BatchSql}{RowsSql}\n{OrdersPerCustomer} orders a customer, {Span} ending {Settled} before";

    /// <summary>How many customers placed a history of <paramref name="orders"/> orders.</summary>
    public static int Customers(int orders) => Math.Max(1, orders / OrdersPerCustomer);

    /// <summary>The id of the history's customer <paramref name="k"/> (0 to <see cref="Customers"/> - 1), as <see cref="BatchSql"/> makes it.</summary>
    public static string Customer(int k)
    {
        var hex = Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes($"history-customer-{k}"))).ToCharArray();
        hex[12] = '0';
        return $"bench-{new string(hex)}";
    }

    private const int BatchSize = 100_000;
    private const int OrdersPerCustomer = 4;
    private static readonly TimeSpan Span = TimeSpan.FromDays(90);

    /// <summary>
    /// Every history order is placed at least this long before the day the history is built: it
    /// was delivered (and any refund made) before that day, so nothing is dated in a run's future,
    /// and no order number (FC-yyMMdd-…) has the date of a day the services number orders on.
    /// </summary>
    private static readonly TimeSpan Settled = TimeSpan.FromDays(5);

    public async Task FillAsync(int orders, IReadOnlyList<CatalogVariant> variants, CancellationToken cancellationToken)
    {
        await using (var setup = new NpgsqlCommand(SetupSql, connection))
            await setup.ExecuteNonQueryAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand(
            "insert into history_variants select * from unnest($1::text[], $2::text[], $3::text[], $4::numeric[]) with ordinality", connection))
        {
            insert.Parameters.Add(new() { Value = variants.Select(v => v.Sku).ToArray() });
            insert.Parameters.Add(new() { Value = variants.Select(v => v.ProductId).ToArray() });
            insert.Parameters.Add(new() { Value = variants.Select(v => v.Title).ToArray() });
            insert.Parameters.Add(new() { Value = variants.Select(v => v.Price).ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        var builtOn = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
        var (from, customers) = (builtOn - Settled - Span, Customers(orders));
        Console.WriteLine($"benchmark: writing {orders:N0} orders placed from {from:yyyy-MM-dd} to {builtOn - Settled:yyyy-MM-dd} by {customers:N0} customers, {variants.Count:N0} variants, in batches of {BatchSize:N0}");
        var clock = Stopwatch.StartNew();
        for (var first = 1; first <= orders; first += BatchSize)
        {
            var last = Math.Min(orders, first + BatchSize - 1);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var batch = new NpgsqlCommand(BatchSql, connection, transaction))
            {
                foreach (var value in new object[] { first, last, orders, from, Span, customers, builtOn })
                    batch.Parameters.Add(new() { Value = value });
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }
            // No parameters: one round trip for all the statements.
            await using (var rows = new NpgsqlCommand(RowsSql, connection, transaction))
                await rows.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Console.WriteLine($"  history: {last:N0} of {orders:N0} orders ({clock.Elapsed.TotalSeconds:N0} s)");
        }
    }

    /// <summary>
    /// The session's own functions and tables (pg_temp: nothing of them is left in the template).
    /// An id as the services make theirs (a UUIDv7 in hex, of the time it was made) with the
    /// order's number in its last digits, so no two are alike; a string of random digits.
    /// </summary>
    private const string SetupSql = """
        create function pg_temp.history_id(made timestamptz, n bigint) returns text language sql volatile as $$
            select lpad(to_hex((extract(epoch from made) * 1000)::bigint), 12, '0') || '7'
                || substr(md5(random()::text), 1, 3) || substr('89ab', 1 + floor(random() * 4)::int, 1)
                || substr(md5(random()::text), 1, 7) || lpad(to_hex(n), 8, '0')
        $$;
        create function pg_temp.history_digits(count int) returns text language sql volatile as $$
            select substr(lpad(floor(random() * 1e9)::bigint::text, 9, '0') || lpad(floor(random() * 1e9)::bigint::text, 9, '0')
                || lpad(floor(random() * 1e9)::bigint::text, 9, '0'), 1, count)
        $$;
        create temp table history_variants (sku text, product_id text, title text, price numeric(12, 2), i int primary key);
        -- Where customers live: state tax on goods (Taxes), the nearest fulfillment center (Centers).
        create temp table history_addresses (i int primary key, name text, line1 text, city text, region text, postal_code text, tax_percent numeric, center text);
        insert into history_addresses values
            (1, 'Avery Johnson', '1 Main St', 'Springfield', 'IL', '62701', 6.25, 'FC-CENTRAL'),
            (2, 'Jordan Lee', '820 SW Broadway', 'Portland', 'OR', '97205', 0, 'FC-WEST'),
            (3, 'Maria Garcia', '301 Congress Ave', 'Austin', 'TX', '78701', 6.25, 'FC-CENTRAL'),
            (4, 'Sam Cohen', '45 Court St', 'Brooklyn', 'NY', '11201', 4, 'FC-EAST'),
            (5, 'Priya Patel', '1420 5th Ave', 'Seattle', 'WA', '98101', 6.5, 'FC-WEST'),
            (6, 'Marcus Brown', '200 Peachtree St NW', 'Atlanta', 'GA', '30303', 4, 'FC-EAST'),
            (7, 'Emily Chen', '1600 Glenarm Pl', 'Denver', 'CO', '80202', 2.9, 'FC-WEST'),
            (8, 'Daniel Miller', '88 E Broad St', 'Columbus', 'OH', '43215', 5.75, 'FC-CENTRAL'),
            (9, 'Sofia Rossi', '100 SE 2nd St', 'Miami', 'FL', '33131', 6, 'FC-EAST'),
            (10, 'Noah Kim', '600 B St', 'San Diego', 'CA', '92101', 7.25, 'FC-WEST');
        -- Domestic rates (ShippingRates) for parcels under a kilogram, and their carriers' tracking numbers (FulfillmentProcess).
        create temp table history_rates (i int primary key, id text, carrier text, service text, price numeric(12, 2), tracking_prefix text, tracking_digits int);
        insert into history_rates values
            (1, 'usps-ground-advantage-domestic', 'USPS', 'Ground Advantage', 5.40, '9400', 18),
            (2, 'ups-ground-domestic', 'UPS', 'Ground', 8.95, '1Z', 16),
            (3, 'usps-priority-mail-domestic', 'USPS', 'Priority Mail', 9.35, '9400', 18);
        """;

    /// <summary>
    /// Orders $1 to $2 of $3, placed evenly from $4 over $5 (so ids and numbers grow as a live
    /// store's do), by one of $6 customers, none after $7 (the day it is built). A customer is
    /// "bench-" and 32 hex digits like a buyer, but with a 0 where every Guid.NewGuid has its
    /// version, 4: no buyer is ever one of them. A number's last part is the order's number times
    /// an odd constant modulo 2^48, different for every order. The steps' delays are a warehouse's
    /// and a carrier's (hours to pack, a day to ship, days to deliver); a cancellation comes before
    /// packing, a refund within a week of delivery.
    /// </summary>
    private const string BatchSql = """
        create temp table history_batch on commit drop as
        with picked as (
            select n, $4 + $5 * ((n - 1 + random()) / $3) as placed_at, random() as fate,
                floor($6 * power(random(), 1.5))::bigint as customer,
                1 + floor(random() * 10)::int as address,
                case when random() < 0.8 then 1 when random() < 0.75 then 2 else 3 end as rate,
                case when random() < 0.7 then 1 when random() < 0.75 then 2 else 3 end as lines,
                case when random() < 0.85 then 'tok_visa' else 'tok_mastercard' end as card_token,
                interval '1 hour' + random() * interval '11 hours' as to_pack,
                interval '4 hours' + random() * interval '20 hours' as to_ship,
                interval '1 day' + random() * interval '60 hours' as to_deliver,
                interval '5 minutes' + random() * interval '6 hours' as to_cancel
            from generate_series($1::bigint, $2::bigint) n
        ), timed as (
            select p.*, case when fate < 0.03 then 'Cancelled' when fate < 0.05 then 'Refunded' else 'Delivered' end as status,
                placed_at + to_pack as packed_at, placed_at + to_pack + to_ship as shipped_at,
                placed_at + to_pack + to_ship + to_deliver as delivered_at
            from picked p
        ), dated as (
            select t.*,
                case when status = 'Cancelled' then placed_at + to_cancel end as cancelled_at,
                case when status = 'Refunded' then delivered_at + random() * least(interval '7 days', $7 - delivered_at) end as refund_at
            from timed t
        )
        select d.n, d.status, d.placed_at, d.card_token, d.lines, d.cancelled_at, d.refund_at,
            case when d.status <> 'Cancelled' then d.packed_at end as packed_at,
            case when d.status <> 'Cancelled' then d.shipped_at end as shipped_at,
            case when d.status <> 'Cancelled' then d.delivered_at end as delivered_at,
            -- A wave captures the payment just before it hands the parcel over.
            case when d.status <> 'Cancelled' then d.shipped_at - interval '80 ms' end as captured_at,
            d.refund_at + interval '300 ms' as refunded_at,
            'ord_' || pg_temp.history_id(d.placed_at, d.n) as id,
            'FC-' || to_char(d.placed_at at time zone 'UTC', 'YYMMDD') || '-' || upper(lpad(to_hex((d.n * 25214903917) % 281474976710656), 12, '0')) as number,
            'bench-' || overlay(md5('history-customer-' || d.customer) placing '0' from 13) as user_id,
            md5('history-order-' || d.n) as idempotency_key,
            encode(sha256(convert_to('history-order-' || d.n, 'UTF8')), 'hex') as request_hash,
            'ch_' || replace(gen_random_uuid()::text, '-', '') as provider_reference,
            case when d.status <> 'Cancelled' then 'shp_' || pg_temp.history_id(d.packed_at, d.n) end as shipment_id,
            -- The order's number in the digits, so no two parcels share one (the shipments' unique index).
            r.tracking_prefix || lpad(d.n::text, 10, '0') || pg_temp.history_digits(r.tracking_digits - 10) as tracking_number,
            case when d.status = 'Refunded' then 're_' || pg_temp.history_id(d.refund_at, d.n) end as refund_id,
            're_' || replace(gen_random_uuid()::text, '-', '') as refund_reference,
            md5('history-refund-' || d.n) as refund_key,
            encode(sha256(convert_to('history-refund-' || d.n, 'UTF8')), 'hex') as refund_hash,
            a.name, a.line1, a.city, a.region, a.postal_code, a.tax_percent, a.center,
            r.id as rate_id, r.carrier, r.service, r.price as shipping
        from dated d join history_addresses a on a.i = d.address join history_rates r on r.i = d.rate
        """;

    /// <summary>The batch's rows, parents first, each table's in the order they were written.</summary>
    private const string RowsSql = """
        -- A line per SKU, as a cart has: a variant drawn twice for one order makes one line.
        create temp table history_lines on commit drop as
        select x.order_id, row_number() over (partition by x.order_id order by x.position)::int as position,
            v.sku, v.product_id, v.title, x.quantity, v.price as unit_price, v.price * x.quantity as total
        from (
            select distinct on (order_id, variant) order_id, position, variant, quantity
            from (
                select order_id, position, 1 + floor(random() * (select count(*) from history_variants))::int as variant,
                    case when random() < 0.9 then 1 else 2 end as quantity
                from (select id as order_id, generate_series(1, lines) as position from history_batch) o
            ) drawn
            order by order_id, variant, position
        ) x join history_variants v on v.i = x.variant;

        create temp table history_orders on commit drop as
        select b.*, t.subtotal, t.units, t.allocation, t.refunded_units,
            round(t.subtotal * b.tax_percent / 100, 2) as tax,
            t.subtotal + b.shipping + round(t.subtotal * b.tax_percent / 100, 2) as total
        from history_batch b join (
            select b.id, sum(l.total) as subtotal, sum(l.quantity) as units,
                jsonb_agg(jsonb_build_object('Sku', l.sku, 'Quantity', l.quantity, 'FulfillmentCenter', b.center) order by l.position) as allocation,
                jsonb_agg(jsonb_build_object('Sku', l.sku, 'Quantity', l.quantity) order by l.position) as refunded_units
            from history_batch b join history_lines l on l.order_id = b.id
            group by b.id
        ) t on t.id = b.id;

        insert into orders.orders ("Id", "Number", "UserId", "IdempotencyKey", "RequestHash", "Status", "CurrencyCode",
            "Subtotal", "Discount", "Shipping", "Tax", "Total", "ShippingRateId", "Carrier", "ShippingService",
            "ShippingAddress_Name", "ShippingAddress_Line1", "ShippingAddress_City", "ShippingAddress_Region",
            "ShippingAddress_PostalCode", "ShippingAddress_Country", "PlacedAt", "UpdatedAt", "Allocation")
        select id, number, user_id, idempotency_key, request_hash, status, 'USD', subtotal, 0, shipping, tax, total, rate_id, carrier, service,
            name, line1, city, region, postal_code, 'US', placed_at, coalesce(refunded_at, cancelled_at, delivered_at), allocation
        from history_orders order by n;

        insert into orders.order_lines ("OrderId", "Position", "Sku", "ProductId", "Title", "Quantity", "UnitPrice", "Total", "CurrencyCode")
        select order_id, position, sku, product_id, title, quantity, unit_price, total, 'USD'
        from history_lines order by order_id, position;

        -- Placement records the authorization; the capture leaves the store's row as it was (WaveChanges).
        insert into orders.payments ("OrderId", "Provider", "CardToken", "Status", "Amount", "CurrencyCode", "ProviderReference", "UpdatedAt", "Refunded")
        select id, 'simulated', card_token, case status when 'Delivered' then 'Captured' when 'Cancelled' then 'Voided' else 'Refunded' end,
            total, 'USD', provider_reference, coalesce(refunded_at, cancelled_at, placed_at + interval '30 ms'),
            case when status = 'Refunded' then total else 0 end
        from history_orders order by n;

        insert into orders.shipments ("Id", "OrderId", "FulfillmentCenter", "Carrier", "Service", "TrackingNumber", "Status", "CreatedAt")
        select shipment_id, id, center, carrier, service, tracking_number, 'Delivered', packed_at
        from history_orders where shipment_id is not null order by n;

        insert into orders.shipment_events ("ShipmentId", "Sequence", "Status", "Description", "Location", "OccurredAt")
        select o.shipment_id, e.sequence, e.status, e.description, e.location, e.occurred_at
        from history_orders o cross join lateral (values
            (1, 'Packed', 'Picked and packed: ' || o.units || ' unit(s)', o.center, o.packed_at),
            (2, 'InTransit', 'Handed to ' || o.carrier || ' ' || o.service, o.center, o.shipped_at),
            (3, 'Delivered', 'Delivered', o.city || ', US', o.delivered_at)) as e(sequence, status, description, location, occurred_at)
        where o.shipment_id is not null
        order by e.occurred_at;

        insert into orders.refunds ("Id", "OrderId", "IdempotencyKey", "RequestHash", "Status", "Subtotal", "Discount", "Shipping", "Tax", "Amount",
            "CurrencyCode", "Reason", "RefundedBy", "ProviderReference", "CreatedAt", "CompletedAt", "Units")
        select refund_id, id, refund_key, refund_hash, 'Succeeded', subtotal, 0, shipping, tax, total, 'USD',
            (array['Returned: arrived damaged', 'Returned: not as described', 'Returned: no longer needed'])[1 + n % 3],
            'user-000000', refund_reference, refund_at, refunded_at, refunded_units
        from history_orders where status = 'Refunded' order by n;

        insert into orders.simulated_provider_ledger (idempotency_key, reference, card_token, amount, currency, outcome, created_at, updated_at, refunded)
        select id, provider_reference, card_token, total, 'USD', case status when 'Delivered' then 'Captured' when 'Cancelled' then 'Voided' else 'Refunded' end,
            placed_at + interval '20 ms', coalesce(refund_at, cancelled_at, captured_at), case when status = 'Refunded' then total else 0 end
        from history_orders order by n;

        insert into orders.simulated_provider_refunds (refund_key, idempotency_key, amount, reference, created_at)
        select refund_id, id, total, refund_reference, refund_at
        from history_orders where status = 'Refunded' order by n;

        -- Every event delivered once; the store keeps those that changed the order (PaymentWebhooks:
        -- an authorization or capture it had recorded itself is answered without a row).
        with events as (
            insert into orders.simulated_provider_events (event_id, idempotency_key, type, created_at, deliveries, delivered_at)
            select 'evt_' || replace(gen_random_uuid()::text, '-', ''), o.id, e.type, e.created_at, 1, e.created_at + interval '50 ms' + random() * interval '900 ms'
            from history_orders o cross join lateral (values
                ('payment.authorized', o.placed_at + interval '20 ms'),
                ('payment.captured', o.captured_at),
                ('payment.voided', o.cancelled_at),
                ('payment.refunded', o.refund_at)) as e(type, created_at)
            where e.created_at is not null
            order by e.created_at
            returning sequence, event_id, idempotency_key, type, delivered_at
        )
        insert into orders.payment_events ("EventId", "OrderId", "Type", "Sequence", "ReceivedAt", "ProcessedAt")
        select event_id, idempotency_key, type, sequence, delivered_at, delivered_at
        from events where type in ('payment.voided', 'payment.refunded');
        """;
}
