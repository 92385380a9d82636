using System.Net;

namespace Federated.Tests.Infrastructure;

/// <summary>What the fixtures share to start services: free loopback ports and waiting for readiness.</summary>
public static class ServiceProbe
{
    // The discard port: nothing listens there on a test machine.
    public const int ClosedPort = 9;

    public static int FreePort() => Federated.Testing.LoopbackPorts.Next();

    /// <summary>Polls the readiness URL until it answers 200: null when it does, otherwise why not (with the tail of the log).</summary>
    public static async Task<string?> WaitUntilReadyAsync(string name, ChildProcess process, Uri readyUrl, TimeSpan timeout)
    {
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        string? failure = null;
        while (failure is null)
        {
            if (process.HasExited)
            {
                failure = $"{name} exited during start-up.";
                break;
            }
            try
            {
                using var response = await probe.GetAsync(readyUrl);
                if (response.StatusCode == HttpStatusCode.OK)
                    return null;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
                failure = $"{name} was not ready at {readyUrl} within {timeout.TotalSeconds:0}s.";
            else
                await Task.Delay(150);
        }
        await Task.Delay(200); // let the last lines of output reach the log
        return $"{failure}\n{process.Tail()}";
    }
}
