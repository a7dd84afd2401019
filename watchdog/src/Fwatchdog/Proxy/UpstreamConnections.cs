using System.Net;
using System.Net.Sockets;
using System.Text;
using Fwatchdog.Http;

namespace Fwatchdog.Proxy;

/// <summary>
/// Connecting to the upstream: its address resolved once at start-up instead of per connection, and
/// one TCP connection with Nagle off, for the forwarder (<see cref="Forwarding.UpstreamConnectionPool"/>)
/// and the readiness probe. Also ready_path's client: a <see cref="SocketsHttpHandler"/>, which the
/// forwarder replaced on the proxy path and the benchmark keeps as its baseline.
/// </summary>
internal static class UpstreamConnections
{
    /// <summary>
    /// Shorter than Node's default keepAliveTimeout (5 s): a connection the upstream is about to
    /// close is dropped by us first, instead of racing a request onto it.
    /// </summary>
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(4);

    public static HttpMessageInvoker Create(EndPoint endpoint) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            MaxConnectionsPerServer = int.MaxValue,
            PooledConnectionIdleTimeout = IdleTimeout,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            MaxResponseHeadersLength = 1024, // KiB, as the requests we accept
            ActivityHeadersPropagator = null, // forward the client's trace headers, add none
            ConnectCallback = (_, cancellationToken) => ConnectAsync(endpoint, cancellationToken),
            // Header bytes pass through as Go passes them: the client's values were decoded by Kestrel
            // as UTF-8 when valid (HeaderEncoding), so UTF-8 sends valid ones on byte for byte (the
            // default, ASCII only, refused "José" and answered 502); the upstream's values are read the
            // same way and written back as UTF-8 (the default, Latin-1, double-encoded "café").
            RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8,
            ResponseHeaderEncodingSelector = static (_, _) => HeaderEncoding.Values,
        }, disposeHandler: true);

    /// <summary>The upstream's address: IP literals and localhost need no name lookup.</summary>
    public static EndPoint EndPointOf(Uri url)
    {
        var host = url.DnsSafeHost;
        if (IPAddress.TryParse(host, out var address))
            return new IPEndPoint(address, url.Port);
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
            return new IPEndPoint(IPAddress.Loopback, url.Port);
        return new DnsEndPoint(host, url.Port);
    }

    /// <summary>One TCP connection to the upstream as a stream: the readiness probe's.</summary>
    public static async ValueTask<Stream> ConnectAsync(EndPoint endpoint, CancellationToken cancellationToken) =>
        new NetworkStream(await ConnectSocketAsync(endpoint, cancellationToken).ConfigureAwait(false), ownsSocket: true);

    /// <summary>One TCP connection to the upstream, Nagle off: what forwarded requests and the probe both use.</summary>
    public static async ValueTask<Socket> ConnectSocketAsync(EndPoint endpoint, CancellationToken cancellationToken)
    {
        var socket = endpoint is DnsEndPoint
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
