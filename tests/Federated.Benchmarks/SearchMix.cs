using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Federated.Catalog.Search;
using Federated.Kit.Paging;
using Marten;
using Npgsql;

namespace Federated.Benchmarks;

/// <summary>One search as a shopper sends it: the words typed and the filter set beside them.</summary>
public sealed record SearchCase(string Query, string? CategoryId = null, decimal? PriceMax = null, bool InStockOnly = false);

/// <summary>A kind of search, with a few variants taken in turn, so no kind is one cached plan over one hot row set.</summary>
public sealed record QueryKind(string Name, SearchCase[] Cases)
{
    public SearchCase CaseFor(int iteration) => Cases[iteration % Cases.Length];
}

/// <summary>How long one search took and how many products it found (to check both sides found the same).</summary>
public readonly record struct Timing(double Milliseconds, int TotalCount);

/// <summary>
/// The query mix, and the two ways to run a search: end to end through the subgraph's /graphql,
/// and directly through the catalog's own search code (<see cref="SearchText"/> then
/// <see cref="ProductListQuery"/>: the same two round trips and SQL, without HTTP and GraphQL).
/// </summary>
public sealed class SearchMix : IAsyncDisposable
{
    public const int PageSize = 20;

    public static readonly QueryKind[] Kinds =
    [
        new("one word", [.. new[] { "headphones", "laptop", "blender", "tent", "backpack", "sneakers", "monitor", "novel", "serum", "skillet" }
            .Select(q => new SearchCase(q))]),
        new("two words + filter", [.. new (string Query, decimal PriceMax)[]
            {
                ("wireless speaker", 100m), ("gaming laptop", 600m), ("waterproof jacket", 150m), ("running shoes", 120m),
                ("espresso machine", 300m), ("standing desk", 500m), ("cast iron", 80m), ("yoga mat", 60m),
            }.Select(c => new SearchCase(c.Query, PriceMax: c.PriceMax, InStockOnly: true))]),
        new("misspelled", [.. new[] { "wireles hedphones", "bluetoth speaker", "gamng labtop", "stainles steel skillet", "waterprof jacket",
            "ergonomc chair", "expresso machine", "portable speakr" }.Select(q => new SearchCase(q))]),
        new("prefix as typed", [.. new[] { "noise canc", "wireless head", "stainless st", "gaming lap", "yoga ma", "coffee gri", "trail run", "standing d" }
            .Select(q => new SearchCase(q))]),
        // Broad words inside a department: thousands to over a hundred thousand matches to count and facet.
        new("facet-heavy", [.. new (string Query, string Department)[]
            {
                ("black", "clothing"), ("cotton", "clothing"), ("steel", "home-kitchen"), ("wireless", "electronics"),
                ("designed", "sports-outdoors"), ("kitchen", "home-kitchen"), ("leather", "office"), ("electronics", "electronics"),
            }.Select(c => new SearchCase(c.Query, CategoryId: c.Department))]),
    ];

    private const string GraphQLQuery = """
        query Search($query: String!, $first: Int, $filter: ProductFilter) {
          search(query: $query, first: $first, filter: $filter) {
            totalCount
            nodes { id name price { amount } }
            facets { name values { value count } }
          }
        }
        """;

    private readonly HttpClient _http;
    private readonly Uri _graphql;
    private readonly NpgsqlDataSource _dataSource;
    private readonly DocumentStore _store;

    private SearchMix(HttpClient http, Uri graphql, NpgsqlDataSource dataSource, DocumentStore store)
    {
        _http = http;
        _graphql = graphql;
        _dataSource = dataSource;
        _store = store;
    }

    public static SearchMix Connect(CatalogService catalog, string connectionString)
    {
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/graphql-response+json"));
        // The serializer the service reads product documents with: Marten's default, on the same schema.
        var store = DocumentStore.For(o =>
        {
            o.Connection(connectionString);
            o.DatabaseSchemaName = "catalog";
        });
        return new SearchMix(http, catalog.GraphQLUrl, NpgsqlDataSource.Create(connectionString), store);
    }

    public async Task<Timing> ThroughServiceAsync(SearchCase search, CancellationToken cancellationToken)
    {
        var filter = new Dictionary<string, object>();
        if (search.CategoryId is { } category)
            filter["categoryId"] = category;
        if (search.PriceMax is { } max)
            filter["priceMax"] = max.ToString("0.00", CultureInfo.InvariantCulture);
        if (search.InStockOnly)
            filter["inStockOnly"] = true;
        var body = JsonSerializer.Serialize(new { query = GraphQLQuery, variables = new { query = search.Query, first = PageSize, filter } });

        var started = Stopwatch.GetTimestamp();
        using var response = await _http.PostAsync(_graphql, new StringContent(body, Encoding.UTF8, "application/json"), cancellationToken);
        var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);

        using var json = JsonDocument.Parse(answer);
        if (!response.IsSuccessStatusCode || json.RootElement.TryGetProperty("errors", out _))
            throw new BenchmarkException($"search \"{search.Query}\" answered {(int)response.StatusCode}: {Encoding.UTF8.GetString(answer)}");
        var total = json.RootElement.GetProperty("data").GetProperty("search").GetProperty("totalCount").GetInt32();
        return new Timing(elapsed.TotalMilliseconds, total);
    }

    public async Task<Timing> DirectAsync(SearchCase search, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var tsQuery = await SearchText.Parse(search.Query).ToTsQueryAsync(_dataSource, cancellationToken);
        var filter = new ProductFilter { CategoryId = search.CategoryId, PriceMax = search.PriceMax, InStockOnly = search.InStockOnly ? true : null };
        filter.Validate();
        var result = await new ProductListQuery
        {
            Filter = filter,
            Query = tsQuery,
            Paging = PagingArguments.Create(PageSize, null),
            WithTotal = true,
            WithFacets = true,
        }.RunAsync(_dataSource, _store.Options.Serializer(), cancellationToken);
        return new Timing(Stopwatch.GetElapsedTime(started).TotalMilliseconds, result.TotalCount ?? 0);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _dataSource.DisposeAsync();
        _store.Dispose();
    }
}
