using System.Net;

namespace Federated.Users.Accounts;

/// <summary>
/// The address a request came from, for throttling only (never for identity). Behind the
/// gateway every request comes from the gateway, which sends the client's address in
/// X-Forwarded-For; that header is believed only from a trusted proxy
/// (<c>SignIn:TrustedProxies</c>, loopback by default).
/// </summary>
public sealed class ClientAddress(IHttpContextAccessor accessor, IConfiguration configuration)
{
    public IPAddress? Get()
    {
        var http = accessor.HttpContext;
        var peer = http?.Connection.RemoteIpAddress;
        if (http is null || peer is null)
            return peer;
        if (peer.IsIPv4MappedToIPv6)
            peer = peer.MapToIPv4();
        var trusted = configuration.GetSection("SignIn:TrustedProxies").Get<string[]>() ?? ["127.0.0.1", "::1"];
        if (!trusted.Any(t => IPAddress.TryParse(t, out var proxy) && proxy.Equals(peer)))
            return peer;
        // The nearest proxy appends the address it saw: the last entry.
        var forwarded = http.Request.Headers["X-Forwarded-For"].ToString().Split(',').LastOrDefault()?.Trim();
        return IPAddress.TryParse(forwarded, out var client) ? client : peer;
    }
}
