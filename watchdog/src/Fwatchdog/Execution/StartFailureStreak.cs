namespace Fwatchdog.Execution;

/// <summary>
/// Tells when the watchdog has been unable to start any function for a sustained period, so health
/// can report it and the orchestrator restart the replica. The rule: at least
/// <see cref="MinimumFailures"/> starts in a row failed for lack of a resource (file descriptors,
/// memory, processes) and the first of them is at least <see cref="MinimumDuration"/> old, with no
/// successful start since. The next successful start clears it. Failures a restart cannot cure (a
/// missing program) or that a client causes (E2BIG from huge headers) do not count.
/// </summary>
public sealed class StartFailureStreak(TimeProvider time)
{
    public const int MinimumFailures = 3;
    public static readonly TimeSpan MinimumDuration = TimeSpan.FromSeconds(10);

    private readonly Lock _gate = new();
    private int _failures;
    private long _firstFailure;

    public bool IsSustained
    {
        get
        {
            lock (_gate)
                return _failures >= MinimumFailures && time.GetElapsedTime(_firstFailure) >= MinimumDuration;
        }
    }

    /// <summary>Cheap on the hot path: a read, and the lock only to end a streak.</summary>
    public void RecordSuccess()
    {
        if (Volatile.Read(ref _failures) == 0)
            return;
        lock (_gate)
            _failures = 0;
    }

    public void RecordFailure(FunctionStartException failure)
    {
        if (!failure.IsResourceExhaustion)
            return;
        lock (_gate)
        {
            if (_failures++ == 0)
                _firstFailure = time.GetTimestamp();
        }
    }
}
