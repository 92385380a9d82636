using System.Net;
using System.Net.Sockets;

namespace Federated.Testing;

/// <summary>Free loopback ports for the services a test fixture or a benchmark starts.</summary>
public static class LoopbackPorts
{
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>
    /// A port nothing listens on now, never handed out before by this process. The system may
    /// offer a port it just offered again once the probe closed it: two services given one port
    /// race to bind it, and the loser's readiness probe is answered by the winner (a test run
    /// once saw orders' URL answered by the catalog; a benchmark run measured the users service
    /// as orders, at 0 orders a second).
    /// </summary>
    public static int Next()
    {
        lock (HandedOut)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                if (HandedOut.Add(port))
                    return port;
            }
        }
    }
}
