using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Fwatchdog.Tests.Support;

/// <summary>
/// A Kestrel server on 127.0.0.1 running a test's <see cref="RequestDelegate"/>: the function's own
/// HTTP server for in-process tests of mode=http.
/// </summary>
internal sealed class LoopbackServer : IAsyncDisposable
{
    private readonly KestrelServer _server;

    private LoopbackServer(KestrelServer server, int port)
    {
        _server = server;
        Port = port;
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public static async Task<LoopbackServer> StartAsync(RequestDelegate handle)
    {
        var port = Testing.FreePort.Next();
        var options = new KestrelServerOptions { AllowSynchronousIO = false };
        options.Listen(IPAddress.Loopback, port);
        var server = new KestrelServer(Options.Create(options),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance), NullLoggerFactory.Instance);
        await server.StartAsync(new DelegateApplication(handle), CancellationToken.None);
        return new LoopbackServer(server, port);
    }

    public async ValueTask DisposeAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _server.StopAsync(limit.Token);
        _server.Dispose();
    }

    private sealed class DelegateApplication(RequestDelegate handle) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => handle(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
