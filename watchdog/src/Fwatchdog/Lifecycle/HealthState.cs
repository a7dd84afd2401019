using Fwatchdog.Execution;

namespace Fwatchdog.Lifecycle;

/// <summary>
/// Whether the watchdog accepts work: set once the listener is up (and the lock file written),
/// cleared the moment SIGTERM arrives. Health also requires the lock file to still exist, as the
/// Go watchdog checks, so deleting it by hand takes the replica out of rotation — and that functions
/// can still be started (see <see cref="StartFailureStreak"/>), so a replica out of file descriptors
/// or memory for good is restarted by its orchestrator instead of failing every call.
/// </summary>
public sealed class HealthState(LockFile? lockFile, StartFailureStreak? startFailures = null)
{
    private volatile bool _accepting;

    public bool IsHealthy =>
        _accepting && (lockFile is null || lockFile.Exists) && startFailures is not { IsSustained: true };

    public void MarkAccepting() => _accepting = true;

    public void MarkStopping() => _accepting = false;
}
