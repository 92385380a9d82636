namespace Federated.Tests.Infrastructure;

/// <summary>Instances of one service started at once: a first deploy with replicas, a scale-out.</summary>
public sealed class StartedTogether(IReadOnlyList<ChildProcess> processes) : IDisposable
{
    public IReadOnlyList<ChildProcess> Processes => processes;

    public void Dispose()
    {
        foreach (var process in processes)
            process.Dispose();
    }
}

public static class StartingTogether
{
    /// <summary>
    /// Starts the <paramref name="instances"/> of <paramref name="service"/> at the same moment,
    /// with the same settings, and waits until each answers; when one does not start, the
    /// others are stopped and the test fails with the reason.
    /// </summary>
    public static async Task<StartedTogether> StartTogetherAsync(this FederatedStack stack, string service, IReadOnlyList<string> instances,
        IReadOnlyDictionary<string, string> settings)
    {
        var starting = instances.Select(instance => stack.StartInstanceAsync(service, instance, settings)).ToArray();
        try
        {
            await Task.WhenAll(starting);
        }
        catch
        {
            foreach (var start in starting.Where(s => s.IsCompletedSuccessfully))
                (await start).Dispose();
            throw;
        }
        return new StartedTogether([.. starting.Select(s => s.Result)]);
    }
}
