using System.Net;

namespace Federated.Tests.Infrastructure;

/// <summary>
/// An HTTP endpoint of the test's own on loopback, for a service to send to (a trace
/// collector, a webhook receiver): each request's body goes to <c>answer</c>, which gives the
/// status to answer with. Stopping it (or disposing) ends the serving loop.
/// </summary>
public sealed class LocalHttpEndpoint : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public LocalHttpEndpoint(Func<byte[], int> answer)
    {
        Url = new Uri($"http://127.0.0.1:{ServiceProbe.FreePort()}/");
        _listener.Prefixes.Add(Url.ToString());
        _listener.Start();
        _serving = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                context.Response.StatusCode = answer(body.ToArray());
                context.Response.Close();
            }
        });
    }

    public Uri Url { get; }

    /// <summary>Stops taking requests and waits for the serving loop to end.</summary>
    public async Task StopAsync()
    {
        if (_listener.IsListening)
            _listener.Stop();
        await _serving;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _listener.Close();
    }
}
