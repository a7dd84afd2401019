using Fwatchdog.Configuration;
using Fwatchdog.Http;
using Fwatchdog.Lifecycle;
using Serilog;

namespace Fwatchdog.Static;

/// <summary>mode=static: files under static_path, no process at all; ready at once, nothing to stop.</summary>
internal sealed class StaticMode(WatchdogOptions options, ILogger log) : IWatchdogMode
{
    public IFunctionEndpoint Endpoint { get; } = new StaticFileEndpoint(
        options.StaticPath ?? throw new ArgumentException("mode=static needs static_path.", nameof(options)));

    public IReadinessCheck? ReadinessCheck => null;

    public bool Start()
    {
        log.Information("Serving files from {path}", options.StaticPath);
        return true;
    }

    public Task<bool> Ready => Task.FromResult(true);
    public Task Failed => IWatchdogMode.NeverFails;
    public Task<int> StopAsync() => Task.FromResult(0);
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
