using Fwatchdog.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Fwatchdog.Http;

/// <summary>
/// Kestrel, constructed directly (no generic host): HTTP/1.1 on <c>port</c> and <c>metrics_port</c>,
/// on all interfaces like Go's ":8080", with the Go watchdog's limits — no body size cap (unless
/// max_request_bytes), 1 MiB of request headers, read_timeout for idle connections and headers.
/// </summary>
internal sealed class WatchdogServer : IAsyncDisposable
{
    private const int MaxHeaderBytes = 1 << 20;

    /// <summary>The accept queue's length asked for; the kernel caps it at net.core.somaxconn.</summary>
    public const int ListenBacklog = 4096;

    private readonly KestrelServer _server;
    private readonly RequestDispatcher _application;

    public WatchdogServer(WatchdogOptions options, RequestDispatcher application, ILoggerFactory loggerFactory)
    {
        _application = application;
        var kestrel = new KestrelServerOptions
        {
            AddServerHeader = false,
            AllowSynchronousIO = false,
            RequestHeaderEncodingSelector = HeaderEncoding.SelectForRequest,
            ResponseHeaderEncodingSelector = HeaderEncoding.SelectForResponse,
        };
        var limits = kestrel.Limits;
        limits.MaxRequestBodySize = null;
        limits.MaxRequestHeadersTotalSize = MaxHeaderBytes;
        limits.MaxRequestLineSize = MaxHeaderBytes;
        limits.MaxRequestHeaderCount = 10_000;
        // read_timeout bounds everything before a request's body, as Go's ReadTimeout (and its
        // IdleTimeout, which defaults to it) do: a new connection that sends nothing, the wait for
        // the next request on a kept-alive connection, and the headers once they start.
        var readLimit = options.ReadTimeout > TimeSpan.Zero ? options.ReadTimeout : TimeSpan.MaxValue;
        limits.RequestHeadersTimeout = readLimit;
        limits.KeepAliveTimeout = readLimit;
        limits.MinRequestBodyDataRate = null; // read_timeout bounds the body instead (ReadDeadlineStream)
        // write_timeout bounds writing the response instead, as in Go: Kestrel's 240 B/s minimum cut a
        // slow client (a phone on a poor link taking a large streamed answer) after five seconds.
        limits.MinResponseDataRate = null;
        kestrel.ListenAnyIP(options.Port, listen => listen.Protocols = HttpProtocols.Http1);
        kestrel.ListenAnyIP(options.MetricsPort, listen => listen.Protocols = HttpProtocols.Http1);

        // MaxReadBufferSize: how far the socket is read ahead of the function; 32 KiB instead of the
        // 1 MiB default keeps each in-flight upload's memory small without slowing a large one, and
        // headers up to the 1 MiB limit still parse. Fork modes: requests start on the socket thread
        // instead of hopping to the thread pool first, since the handler only blocks for posix_spawn's
        // vfork (until the child execs); mode=http: off, see ProxiesOnThreadPool. The measurements
        // behind both are in bench/README.md, "Measurements behind the settings".
        var transport = new SocketTransportFactory(
            Options.Create(new SocketTransportOptions
            {
                UnsafePreferInlineScheduling = !ProxiesOnThreadPool(options.Mode),
                MaxReadBufferSize = 32 * 1024,
                // Go listens with the kernel's somaxconn (4096 on current kernels); Kestrel's 512
                // refused connections in a burst the Go watchdogs queue (issue 20: 10,000 at once).
                Backlog = ListenBacklog,
            }), loggerFactory);
        _server = new KestrelServer(Options.Create(kestrel), transport, loggerFactory);
    }

    /// <summary>
    /// mode=http: a request's work is socket I/O on both sides, so the epoll thread that ran it
    /// inline held up every other connection's completions behind it (bench/README.md,
    /// "Measurements behind the settings").
    /// </summary>
    private static bool ProxiesOnThreadPool(ExecutionMode mode) => mode == ExecutionMode.Http;

    public Task StartAsync(CancellationToken cancellationToken) => _server.StartAsync(_application, cancellationToken);

    /// <summary>Stops accepting, waits for in-flight requests until <paramref name="cancellationToken"/>, then aborts the rest.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _server.StopAsync(cancellationToken);

    public ValueTask DisposeAsync()
    {
        _server.Dispose();
        return ValueTask.CompletedTask;
    }
}
