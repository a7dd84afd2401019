using System.Net.Sockets;
using System.Reflection;
using Fwatchdog.Configuration;
using Fwatchdog.Execution;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Fwatchdog.Telemetry;
using Serilog;

[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

namespace Fwatchdog;

/// <summary>Composition root: command-line modes, configuration, wiring, start, wait for shutdown.</summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (HasFlag(args, "version"))
        {
            Console.Out.Write($"Version: {Version}\tSHA: {Commit}\n");
            return 0;
        }
        if (HasFlag(args, "run-healthcheck"))
            return RunHealthcheck();

        WatchdogOptions options;
        IReadOnlyList<string> warnings;
        try
        {
            options = EnvironmentConfiguration.FromProcessEnvironment(out warnings);
        }
        catch (ConfigurationException e)
        {
            Console.Error.Write($"{e.Message}\n");
            return 1;
        }

        var log = WatchdogLog.Create(options.LogFormat);
        try
        {
            return await ServeAsync(options, warnings, log).ConfigureAwait(false);
        }
        finally
        {
            (log as IDisposable)?.Dispose();
        }
    }

    private static async Task<int> ServeAsync(WatchdogOptions options, IReadOnlyList<string> warnings, ILogger log)
    {
        log.Information("Version: {Version}\tSHA: {Commit}", Version, Commit);
        foreach (var warning in warnings)
            log.Warning("{Warning}", warning);

        var metrics = new PrometheusMetrics();
        var limiter = new InflightLimiter(options.MaxInflight);
        var lockFile = options.SuppressLock ? null : new LockFile(options.LockFilePath);
        var health = new HealthState(lockFile);
        using var runner = new FunctionRunner(options.Command, options.KillGrace, options.CombineOutput);
        if (!runner.IsSubreaper)
            log.Warning("Could not become a child subreaper; orphaned grandchildren of functions will be reaped by init instead.");

        var dispatcher = new RequestDispatcher(
            options.MetricsPort,
            new FunctionEndpoint(options, runner, limiter, metrics, log),
            new HealthEndpoints(health, limiter),
            new MetricsEndpoint(metrics),
            log);
        await using var server = new WatchdogServer(options, dispatcher, new KestrelLogBridge(log));
        using var shutdown = new ShutdownCoordinator(options, health, lockFile, limiter, server, log);

        log.Information("Timeouts: read: {Read} write: {Write} hard: {Hard} health: {Health}.",
            GoDuration.Format(options.ReadTimeout), GoDuration.Format(options.WriteTimeout),
            GoDuration.Format(options.ExecTimeout), GoDuration.Format(options.HealthcheckInterval));
        try
        {
            await server.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (IOException e) when (e.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } || e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            log.Error("Cannot listen on port {Port} or metrics_port {MetricsPort}: address already in use. Stop the other process or set port / metrics_port to free ports.",
                options.Port, options.MetricsPort);
            return 1;
        }
        log.Information("Listening on port: {Port}", options.Port);
        log.Information("Metrics listening on port: {MetricsPort}", options.MetricsPort);

        if (lockFile is not null)
        {
            log.Information("Writing lock-file to: {Path}", lockFile.Path);
            try
            {
                lockFile.Create();
            }
            catch (IOException e)
            {
                log.Error("{Error}", e.Message);
                return 1;
            }
        }
        else
        {
            log.Warning("Warning: \"suppress_lock\" is enabled. No automated health-checks will be in place for your function.");
        }
        health.MarkAccepting();

        await shutdown.Completion.ConfigureAwait(false);
        var leftovers = runner.KillAll();
        if (leftovers > 0)
            log.Warning("Killed {Count} functions still running after write_timeout.", leftovers);
        return 0;
    }

    /// <summary>Go's flag package accepts both -name and --name.</summary>
    private static bool HasFlag(string[] args, string name) =>
        args.Any(arg => arg == "-" + name || arg == "--" + name);

    private static int RunHealthcheck()
    {
        var temp = Environment.GetEnvironmentVariable("TMPDIR");
        var lockFile = new LockFile(Path.Combine(string.IsNullOrEmpty(temp) ? "/tmp" : temp, ".lock"));
        if (lockFile.Exists)
            return 0;
        Console.Error.Write($"unable to find lock file.\n{lockFile.Path} is written once the watchdog accepts work and removed on SIGTERM (never with suppress_lock=true).\n");
        return 1;
    }

    private static string InformationalVersion =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    private static string Version => InformationalVersion.Split('+')[0];

    private static string Commit => InformationalVersion.Contains('+') ? InformationalVersion.Split('+')[1] : "unknown";
}
