using Federated.Benchmarks;

const string Usage = """
    usage: dotnet run -c Release --project tests/Federated.Benchmarks -- search [--products 1000000] [--iterations 300] [--concurrency 1]
           dotnet run -c Release --project tests/Federated.Benchmarks -- gateway [--seconds 20] [--slice 10] [--concurrency 32] [--warmup 10]
           dotnet run -c Release --project tests/Federated.Benchmarks -- checkout [--seconds 20] [--concurrency 32] [--warmup 10] [--rate N] [--history 1000000] [--hot-first]
           (--rate, --history and --hot-first are the checkout benchmark's; the gateway benchmark refuses them)
    """;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C ends the run cleanly (the finally blocks stop the services); a second one kills.
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
    Console.WriteLine("benchmark: stopping");
};

try
{
    switch (args)
    {
        case ["search", .. var rest]:
        {
            if (!BenchmarkOptions.TryParse(rest, out var options, out var problem))
                return Fail(problem);
            // Disposed in reverse: the search clients, then the catalog service, then the stores (if this run started them).
            await using var stack = await BenchmarkStack.StartAsync(stop.Token);
            await using var catalog = await stack.StartCatalogAsync(options.Products, stop.Token);
            await using var mix = SearchMix.Connect(catalog, stack.Settings.ConnectionString(BenchmarkStack.Database));
            var results = await new SearchBenchmark(mix, options).RunAsync(stop.Token);
            LatencyReport.Print(results, options, catalog.SeedTime);
            return 0;
        }
        case ["gateway", .. var rest]:
        {
            if (!GatewayOptions.TryParse(rest, out var options, out var problem))
                return Fail(problem);
            if (options.Rate > 0)
                return Fail("'--rate' is an option of the checkout benchmark");
            // Its queries read no order: an order history would only cost its copy.
            if (options.History is not null)
                return Fail("'--history' is an option of the checkout benchmark");
            if (options.HotFirst)
                return Fail("'--hot-first' is an option of the checkout benchmark");
            // Disposed in reverse: the gateways and subgraphs, then the stores (if this run started them).
            await using var stores = await BenchmarkStack.StartAsync(stop.Token);
            await using var services = await GatewayStack.StartAsync(stores.Settings, orderHistory: 0, stop.Token);
            var results = await new GatewayBenchmark(services, options).RunAsync(stop.Token);
            GatewayReport.Print(results, options);
            return 0;
        }
        case ["checkout", .. var rest]:
        {
            if (!GatewayOptions.TryParse(rest, out var options, out var problem))
                return Fail(problem);
            options = options with { History = options.History ?? OrderHistory.DefaultOrders };
            await using var stores = await BenchmarkStack.StartAsync(stop.Token);
            await using var services = await GatewayStack.StartAsync(stores.Settings, options.History.Value, stop.Token);
            await new CheckoutBenchmark(services, stores.Settings, options).RunAsync(stop.Token);
            return 0;
        }
        default:
            Console.Error.WriteLine(Usage);
            return 2;
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.WriteLine("benchmark: cancelled");
    return 130;
}
catch (BenchmarkException ex)
{
    Console.Error.WriteLine($"benchmark: {ex.Message}");
    return 1;
}

static int Fail(string problem)
{
    Console.Error.WriteLine($"benchmark: {problem}\n{Usage}");
    return 2;
}
