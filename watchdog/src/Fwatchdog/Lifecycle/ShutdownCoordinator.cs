using System.Runtime.InteropServices;
using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Serilog;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// SIGTERM, the Go watchdog's way: go unhealthy at once (lock file removed, health 503) so the
/// orchestrator stops routing here, keep serving for healthcheck_interval while it notices, then
/// stop accepting and give in-flight requests up to write_timeout before exiting 0. SIGINT (Ctrl+C),
/// SIGHUP (terminal closed) and SIGQUIT do the same: the Go watchdog dies on them at once, which
/// drops in-flight calls and orphans their functions. Further signals during the drain change nothing.
/// </summary>
internal sealed class ShutdownCoordinator : IDisposable
{
    private readonly WatchdogOptions _options;
    private readonly HealthState _health;
    private readonly LockFile? _lockFile;
    private readonly InflightLimiter _inflight;
    private readonly WatchdogServer _server;
    private readonly ILogger _log;
    private readonly TaskCompletionSource _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PosixSignalRegistration[] _registrations;
    private int _started;

    public ShutdownCoordinator(WatchdogOptions options, HealthState health, LockFile? lockFile, InflightLimiter inflight, WatchdogServer server, ILogger log)
    {
        _options = options;
        _health = health;
        _lockFile = lockFile;
        _inflight = inflight;
        _server = server;
        _log = log;
        _registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGQUIT, OnSignal),
        ];
    }

    /// <summary>Completes when the server has drained and the watchdog may exit.</summary>
    public Task Completion => _completed.Task;

    /// <summary>True when the stop was caused by <see cref="StopAfterFailure"/> rather than a signal.</summary>
    public bool Failed { get; private set; }

    /// <summary>
    /// The mode can no longer serve (mode=http: the upstream exited): unhealthy at once, then stop
    /// accepting and drain without waiting for healthcheck_interval — nothing here can succeed anymore.
    /// </summary>
    public void StopAfterFailure()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            return;
        Failed = true;
        _ = Task.Run(() => ShutDownAsync(null, TimeSpan.Zero));
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we exit when draining is done, not now
        if (Interlocked.Exchange(ref _started, 1) == 0)
            _ = Task.Run(() => ShutDownAsync(Name(context.Signal), _options.HealthcheckInterval));
    }

    private static string Name(PosixSignal signal) => signal switch
    {
        PosixSignal.SIGINT => "SIGINT",
        PosixSignal.SIGHUP => "SIGHUP",
        PosixSignal.SIGQUIT => "SIGQUIT",
        _ => "SIGTERM",
    };

    private async Task ShutDownAsync(string? signal, TimeSpan interval)
    {
        try
        {
            if (signal is not null)
                _log.Information("{signal}: no new connections in {interval}", signal, GoDuration.Format(interval));
            _health.MarkStopping();
            RemoveLockFile();

            await Task.Delay(interval).ConfigureAwait(false);
            _log.Information("No new connections allowed, draining: {requests} requests", _inflight.Current);

            using var drainLimit = new CancellationTokenSource(_options.WriteTimeout);
            await _server.StopAsync(drainLimit.Token).ConfigureAwait(false);
            _log.Information("Exiting. Active connections: {connections}", _inflight.Current);
        }
        catch (Exception e)
        {
            _log.Error(e, "Error in shutdown: {error}", e.Message);
        }
        finally
        {
            _completed.TrySetResult();
        }
    }

    private void RemoveLockFile()
    {
        if (_lockFile is null)
            return;
        _log.Information("Removing lock-file : {path}", _lockFile.Path);
        try
        {
            _lockFile.Remove();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Warning("Unable to mark server as unhealthy: {error}", e.Message);
        }
    }

    public void Dispose()
    {
        foreach (var registration in _registrations)
            registration.Dispose();
    }
}
