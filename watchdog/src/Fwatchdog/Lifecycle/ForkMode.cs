using Fwatchdog.Execution;
using Fwatchdog.Http;
using Serilog;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// mode=classic, streaming and serializing: every request forks the function, so there is nothing
/// to start or wait for, and stopping means killing whatever the drain left running.
/// </summary>
internal sealed class ForkMode(ProcessSupervisor supervisor, IFunctionEndpoint endpoint, IReadinessCheck? readinessCheck, ILogger log) : IWatchdogMode
{
    public IFunctionEndpoint Endpoint => endpoint;
    public IReadinessCheck? ReadinessCheck => readinessCheck;
    public bool Start() => true;
    public Task<bool> Ready => Task.FromResult(true);
    public Task Failed => IWatchdogMode.NeverFails;

    public Task<int> StopAsync()
    {
        var leftovers = supervisor.KillAll();
        if (leftovers > 0)
            log.Warning("Killed {count} functions still running after write_timeout.", leftovers);
        return Task.FromResult(0);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
