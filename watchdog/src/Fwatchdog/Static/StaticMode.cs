using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Serilog;

namespace Fwatchdog.Static;

/// <summary>mode=static: files under static_path, no process at all; ready at once, nothing to stop.</summary>
internal sealed class StaticMode : IWatchdogMode
{
    private readonly WatchdogOptions _options;
    private readonly ILogger _log;
    /// <summary>static_path, open for the life of the watchdog: every file is opened beneath it.</summary>
    private readonly FileTree _tree;

    public StaticMode(WatchdogOptions options, ILogger log)
    {
        _options = options;
        _log = log;
        _tree = new FileTree(options.StaticPath ?? throw new ArgumentException("mode=static needs static_path.", nameof(options)));
        Endpoint = new StaticFileEndpoint(_tree);
    }

    public IFunctionEndpoint Endpoint { get; }

    public IReadinessCheck? ReadinessCheck => null;

    public bool Start()
    {
        _log.Information("Serving files from {path}", _options.StaticPath);
        return true;
    }

    public Task<bool> Ready => Task.FromResult(true);
    public Task Failed => IWatchdogMode.NeverFails;
    public Task<int> StopAsync() => Task.FromResult(0);
    public ValueTask DisposeAsync()
    {
        _tree.Dispose();
        return ValueTask.CompletedTask;
    }
}
