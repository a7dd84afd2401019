using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Proxy.Forwarding;
using Fwatchdog.Telemetry;
using Serilog;

namespace Fwatchdog.Proxy;

/// <summary>
/// mode=http: the function's own server is started once and every request is forwarded to it.
/// Ready when the server accepts a TCP connection on upstream_url; failed when it exits on its
/// own (the watchdog then drains and exits non-zero so the orchestrator restarts the container);
/// stopped — SIGTERM to its group, SIGKILL after kill_grace — only after the watchdog's own drain,
/// so requests in flight at SIGTERM still find it running.
/// </summary>
internal sealed class ProxyMode : IWatchdogMode
{
    private readonly WatchdogOptions _options;
    private readonly ILogger _log;
    private readonly UpstreamProcess _process;
    private readonly UpstreamReadiness _readiness;
    private readonly UpstreamConnectionPool _connections;
    private readonly HttpMessageInvoker? _readyClient;
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ProxyMode(WatchdogOptions options, FunctionRunner runner, InflightLimiter limiter, ILogger log, CallLineWriter? callLines)
    {
        var url = options.UpstreamUrl ?? throw new ArgumentException("mode=http needs upstream_url.", nameof(options));
        _options = options;
        _log = log;
        var endpoint = UpstreamConnections.EndPointOf(url);
        _process = new UpstreamProcess(runner, options.PrefixLogs, options.LogBufferSize, log);
        _readiness = new UpstreamReadiness(endpoint, log);
        _connections = new UpstreamConnectionPool(endpoint, TimeProvider.System);
        Endpoint = new ProxyEndpoint(options, _readiness, _connections, limiter, log, callLines);
        if (options.ReadyPath is { } readyPath)
        {
            // A probe every few seconds: the general-purpose client is the right tool, not the forwarder.
            _readyClient = UpstreamConnections.Create(endpoint);
            ReadinessCheck = new ReadyPathCheck(_readyClient, new Uri(url.GetLeftPart(UriPartial.Authority) + readyPath));
        }
    }

    public IFunctionEndpoint Endpoint { get; }
    public IReadinessCheck? ReadinessCheck { get; }
    public Task<bool> Ready => _readiness.Ready;
    public Task Failed => _failed.Task;

    public bool Start()
    {
        _log.Information("Starting the function's server: {fprocess}, forwarding to {url}", _options.Fprocess, _options.UpstreamUrl);
        if (!_process.TryStart())
            return false;
        _ = _readiness.ProbeAsync(_process.Exited);
        _ = WatchExitAsync();
        return true;
    }

    private async Task WatchExitAsync()
    {
        var outcome = await _process.Exited.ConfigureAwait(false);
        if (_process.StopRequested)
            return;
        _log.Error("The function's server exited: {status}. Health is now 503; exiting once in-flight requests end.", outcome.Exit.ToString());
        _failed.TrySetResult();
    }

    public async Task<int> StopAsync()
    {
        if (_process.Exited.IsCompleted)
            return _process.StopRequested ? 0 : 1;
        _log.Information("Stopping the function's server: SIGTERM to its process group, SIGKILL after {grace}", GoDuration.Format(_options.KillGrace));
        var outcome = await _process.StopAsync().ConfigureAwait(false);
        var killed = outcome.Exit.Signal == 9;
        if (killed)
            _log.Warning("The function's server did not stop within kill_grace ({grace}) and was killed.", GoDuration.Format(_options.KillGrace));
        else
            _log.Information("The function's server stopped: {status}", outcome.Exit.ToString());
        return killed ? 1 : 0;
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync().ConfigureAwait(false);
        _connections.Dispose();
        _readyClient?.Dispose();
    }
}
