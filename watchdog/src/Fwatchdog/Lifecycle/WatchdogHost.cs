using System.Net.Sockets;
using Fwatchdog.Authentication;
using Fwatchdog.Calls;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Proxy;
using Fwatchdog.Static;
using Fwatchdog.Telemetry;
using Serilog;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// The composition root: picks the mode once, wires the parts together and runs them in the Go
/// watchdog's order: log the timeouts, listen, start the mode (mode=http: the upstream), write the
/// lock file once it is ready, accept work — then wait for SIGTERM's drain and leave nothing running.
/// </summary>
public static class WatchdogHost
{
    /// <param name="withheldFromFunction">Variables the watchdog set for its own runtime (<see cref="ProxyRuntimeSettings"/>), kept from the function.</param>
    /// <param name="callLines">The log's direct path for mode=http's call line (text format); null writes it through <paramref name="log"/>.</param>
    /// <param name="droppedLogLines">How many log lines a blocked stdout made the log drop so far (<see cref="WatchdogLog.DroppedLines"/>).</param>
    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(WatchdogOptions options, IReadOnlyList<string> warnings, IReadOnlyList<string> withheldFromFunction, ILogger log,
        CallLineWriter? callLines, Func<long> droppedLogLines)
    {
        log.Information("Version: {version}\tSHA: {commit}", BuildInfo.Version, BuildInfo.Commit);
        foreach (var warning in warnings)
            log.Warning("{warning}", warning);

        var metrics = new PrometheusMetrics(droppedLogLines);
        var limiter = new InflightLimiter(options.MaxInflight);
        var lockFile = options.SuppressLock ? null : new LockFile(options.LockFilePath);
        var startFailures = new StartFailureStreak(TimeProvider.System);
        var health = new HealthState(lockFile, startFailures);
        // Disposed last: whatever way RunAsync ends, function groups still running are killed first.
        using var supervisor = new ProcessSupervisor(log);
        // The upstream's stderr is logged, never answered with, so mode=http always keeps it apart.
        using var runner = options.Command is null ? null
            : new FunctionRunner(supervisor, options.Command, options.KillGrace, options.CombineOutput && options.Mode != ExecutionMode.Http,
                options.LogBufferSize, startFailures, TimeProvider.System, withheldFromFunction);
        if (!supervisor.IsSubreaper)
            log.Warning("Could not become a child subreaper; orphaned grandchildren of functions will be reaped by init instead.");
        var abandoned = new AbandonedConnections();
        var finisher = new CallFinisher(options, metrics, log, abandoned);
        await using var mode = CreateMode(options, supervisor, runner, limiter, finisher, log, callLines);
        using var keySource = options.JwtAuth is { } jwt ? new OpenIdKeySource(jwt.DiscoveryUrl) : null;
        await using var keys = keySource is null ? null : new SigningKeyStore(keySource, TimeProvider.System, log, options.JwtAuth!.Debug);

        var dispatcher = new RequestDispatcher(
            options.MetricsPort,
            Authenticated(mode.Endpoint, options, keys, log),
            finisher,
            new HealthEndpoints(health, limiter, mode.ReadinessCheck),
            new MetricsEndpoint(metrics),
            metrics,
            log);
        await using var server = new WatchdogServer(options, dispatcher, new KestrelLogBridge(log, abandoned));
        using var shutdown = new ShutdownCoordinator(options, health, lockFile, limiter, server, log);
        using var ignoredSignals = new IgnoredSignals(log);

        log.Information("Timeouts: read: {read} write: {write} hard: {hard} health: {health}.",
            GoDuration.Format(options.ReadTimeout), GoDuration.Format(options.WriteTimeout),
            GoDuration.Format(options.ExecTimeout), GoDuration.Format(options.HealthcheckInterval));
        if (!await TryListenAsync(server, options, log).ConfigureAwait(false))
            return 1;
        if (!mode.Start())
            return 1;
        _ = StopWhenFailedAsync(mode, shutdown);
        if (keys is not null)
        {
            log.Information("JWT Auth: true, for function {function}, keys from {url}", options.JwtAuth!.Function.Reference, options.JwtAuth.DiscoveryUrl);
            keys.Start();
        }

        // mode=http: requests are accepted (and held) from here, but health stays 503 and no lock
        // file exists until the upstream answers; jwt_auth: until the gateway's keys are loaded
        // (calls answer 503 meanwhile). A SIGTERM ends the wait.
        var ready = BothReadyAsync(mode.Ready, keys?.Loaded);
        if (await Task.WhenAny(ready, shutdown.Completion).ConfigureAwait(false) == ready && await ready.ConfigureAwait(false))
        {
            if (!TryWriteLockFile(lockFile, log))
                return 1;
            if (lockFile is null && options.Mode == ExecutionMode.Classic)
                WarnIfOutputCannotSpill(options, log);
            health.MarkAccepting();
            // The readiness signal scripts and tests wait for: both ports accept connections and
            // /_/health already answers 200.
            log.Information("Listening on port: {port}", options.Port);
            log.Information("Metrics listening on port: {metrics_port}", options.MetricsPort);
        }

        await shutdown.Completion.ConfigureAwait(false);
        var exitCode = await mode.StopAsync().ConfigureAwait(false);
        return shutdown.Failed ? 1 : exitCode;
    }

    /// <summary>jwt_auth puts its door in front of whatever endpoint the mode serves calls with.</summary>
    private static IFunctionEndpoint Authenticated(IFunctionEndpoint endpoint, WatchdogOptions options, SigningKeyStore? keys, ILogger log) =>
        options.JwtAuth is { } jwt && keys is not null
            ? new AuthenticatingEndpoint(endpoint, new FunctionAuthenticator(keys, jwt.Function, TimeProvider.System), log, jwt.Debug)
            : endpoint;

    private static async Task<bool> BothReadyAsync(Task<bool> mode, Task<bool>? keys) =>
        await mode.ConfigureAwait(false) && (keys is null || await keys.ConfigureAwait(false));

    /// <summary>The one place the mode is chosen; nothing after start-up asks again.</summary>
    private static IWatchdogMode CreateMode(WatchdogOptions options, ProcessSupervisor supervisor, FunctionRunner? runner, InflightLimiter limiter,
        CallFinisher finisher, ILogger log, CallLineWriter? callLines) =>
        options.Mode switch
        {
            ExecutionMode.Static => new StaticMode(options, log),
            ExecutionMode.Http => new ProxyMode(options, runner!, limiter, log, callLines),
            _ => CreateForkMode(options, supervisor, runner!, limiter, finisher, log),
        };

    /// <summary>The fork modes' parts, each built once; the responder is chosen here and nowhere else.</summary>
    /// <param name="streaming">mode=streaming's responder; ready_path's check always answers as classic mode does, so its status is the exit status.</param>
    private static FunctionEndpoint CreateFunctionEndpoint(WatchdogOptions options, FunctionRunner runner, InflightLimiter limiter, ILogger log, bool streaming)
    {
        IFunctionResponder responder = streaming
            ? new StreamingResponder(options, TimeProvider.System)
            : new ClassicResponder(options, TimeProvider.System);
        var launcher = new FunctionLauncher(options, runner, new RequestInput(options));
        return new FunctionEndpoint(options, limiter, launcher, responder, log);
    }

    private static ForkMode CreateForkMode(WatchdogOptions options, ProcessSupervisor supervisor, FunctionRunner runner, InflightLimiter limiter,
        CallFinisher finisher, ILogger log)
    {
        var streaming = options.Mode == ExecutionMode.Streaming;
        var endpoint = CreateFunctionEndpoint(options, runner, limiter, log, streaming);
        var readyEndpoint = options.ReadyPath is null ? null : streaming ? CreateFunctionEndpoint(options, runner, limiter, log, streaming: false) : endpoint;
        return new ForkMode(supervisor, endpoint, readyEndpoint is null ? null : new FunctionReadyPathCheck(readyEndpoint, finisher, options.ReadyPath!), log);
    }

    private static async Task StopWhenFailedAsync(IWatchdogMode mode, ShutdownCoordinator shutdown)
    {
        await mode.Failed.ConfigureAwait(false);
        shutdown.StopAfterFailure();
    }

    private static async Task<bool> TryListenAsync(WatchdogServer server, WatchdogOptions options, ILogger log)
    {
        try
        {
            await server.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                                    || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            log.Error("Cannot listen on port {port} or metrics_port {metrics_port}: address already in use. Stop the other process or set port / metrics_port to free ports.",
                options.Port, options.MetricsPort);
            return false;
        }
        return true;
    }

    /// <summary>Without a lock file nothing else tries TMPDIR before the first large output needs it.</summary>
    private static void WarnIfOutputCannotSpill(WatchdogOptions options, ILogger log)
    {
        if (TempDirectoryProblem.Probe(options.TempDirectory) is { } problem)
            log.Warning("{reason}; outputs larger than max_buffer_bytes ({max_buffer_bytes} bytes) are held in memory up to {limit} bytes, and larger ones fail with 500; to serve them, {remedy}.",
                problem.Reason, options.MaxBufferBytes, Math.Max(options.MaxBufferBytes, SpillBuffer.MemoryFallbackLimit), problem.Remedy);
    }

    private static bool TryWriteLockFile(LockFile? lockFile, ILogger log)
    {
        if (lockFile is null)
        {
            log.Warning("Warning: \"suppress_lock\" is enabled. No automated health-checks will be in place for your function.");
            return true;
        }
        log.Information("Writing lock-file to: {path}", lockFile.Path);
        try
        {
            lockFile.Create();
            return true;
        }
        catch (IOException e)
        {
            log.Error("{error}", e.Message);
            return false;
        }
    }
}
