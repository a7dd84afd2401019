namespace Fwatchdog.Lifecycle;

/// <summary>
/// Whether the watchdog accepts work: set once the listener is up (and the lock file written),
/// cleared the moment SIGTERM arrives. Health also requires the lock file to still exist, as the
/// Go watchdog checks, so deleting it by hand takes the replica out of rotation.
/// </summary>
public sealed class HealthState(LockFile? lockFile)
{
    private volatile bool _accepting;

    public bool IsHealthy => _accepting && (lockFile is null || lockFile.Exists);

    public void MarkAccepting() => _accepting = true;

    public void MarkStopping() => _accepting = false;
}
