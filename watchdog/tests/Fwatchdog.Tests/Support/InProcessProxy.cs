using System.Net;
using Fwatchdog.Calls;
using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Proxy;
using Fwatchdog.Proxy.Forwarding;
using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Support;

/// <summary>
/// mode=http in this process, without a publish: the watchdog's own server (<see cref="WatchdogServer"/>,
/// <see cref="RequestDispatcher"/>, <see cref="ProxyEndpoint"/>) on loopback ports, forwarding to a
/// <see cref="LoopbackServer"/> that plays the function's server. What the published binary adds —
/// starting that server as a process, signals, the lock file — is the black-box tests' part.
/// </summary>
internal sealed class InProcessProxy : IAsyncDisposable
{
    private readonly LoopbackServer _upstream;
    private readonly WatchdogServer _server;
    private readonly UpstreamConnectionPool _connections;
    private readonly TaskCompletionSource _neverExits = new();

    private InProcessProxy(LoopbackServer upstream, WatchdogServer server, UpstreamConnectionPool connections, WatchdogOptions options, PrometheusMetrics metrics, CapturedLog log)
    {
        _upstream = upstream;
        _server = server;
        _connections = connections;
        Options = options;
        Metrics = metrics;
        Log = log;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{options.Port}"), Timeout = TimeSpan.FromSeconds(30) };
    }

    public WatchdogOptions Options { get; }
    public PrometheusMetrics Metrics { get; }
    public CapturedLog Log { get; }
    public HttpClient Client { get; }

    /// <param name="function">The function's server: what the upstream answers.</param>
    /// <param name="configure">Settings beyond mode=http, upstream_url and the ports.</param>
    public static async Task<InProcessProxy> StartAsync(RequestDelegate function, Func<WatchdogOptions, WatchdogOptions>? configure = null)
    {
        var upstream = await LoopbackServer.StartAsync(function);
        var options = new WatchdogOptions
        {
            TempDirectory = Path.GetTempPath(),
            Mode = ExecutionMode.Http,
            UpstreamUrl = upstream.Url,
            Port = Testing.FreePort.Next(),
            MetricsPort = Testing.FreePort.Next(),
            Fprocess = "in-process upstream",
        };
        options = configure?.Invoke(options) ?? options;
        var log = new CapturedLog();
        var logger = log.CreateLogger();
        var metrics = new PrometheusMetrics();
        var endpoint = new IPEndPoint(IPAddress.Loopback, upstream.Port);
        var readiness = new UpstreamReadiness(endpoint, logger);
        var connections = new UpstreamConnectionPool(endpoint, TimeProvider.System);
        var limiter = new InflightLimiter(options.MaxInflight);
        var proxy = new ProxyEndpoint(options, readiness, connections, limiter, logger);
        var health = new HealthState(null);
        health.MarkAccepting();
        var abandoned = new AbandonedConnections();
        var dispatcher = new RequestDispatcher(options.MetricsPort, proxy, new CallFinisher(options, metrics, logger, abandoned), new HealthEndpoints(health, limiter), new MetricsEndpoint(metrics), metrics, logger);
        var server = new WatchdogServer(options, dispatcher, new KestrelLogBridge(logger, abandoned));
        await server.StartAsync(CancellationToken.None);
        var started = new InProcessProxy(upstream, server, connections, options, metrics, log);
        _ = readiness.ProbeAsync(started._neverExits.Task);
        await readiness.Ready.WaitAsync(TimeSpan.FromSeconds(10));
        return started;
    }

    /// <summary>function_executions_total for <paramref name="outcome"/>.</summary>
    public double Executions(string outcome) =>
        Telemetry.Exposition.Value(Telemetry.Exposition.Render(Metrics), $"function_executions_total{{outcome=\"{outcome}\"}}");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        using (var limit = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            await _server.StopAsync(limit.Token);
        await _server.DisposeAsync();
        _neverExits.TrySetResult();
        _connections.Dispose();
        await _upstream.DisposeAsync();
    }
}
