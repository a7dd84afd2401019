namespace Fwatchdog.Execution;

/// <summary>Why a function run ended; the first cause wins.</summary>
public enum RunEnd
{
    /// <summary>The process exited by itself; see <see cref="RunOutcome.Exit"/>.</summary>
    Exited = 1,
    /// <summary>exec_timeout (or a shorter X-Timeout) elapsed; the group was killed.</summary>
    TimedOut,
    /// <summary>The caller went away or the watchdog is stopping; the group was killed.</summary>
    Aborted,
    /// <summary>Reading the input failed (too large, too slow, malformed); the group was killed.</summary>
    InputFailed,
    /// <summary>Writing the output failed (streaming mode: the client stopped reading); the group was killed.</summary>
    OutputFailed,
}

public readonly record struct RunOutcome(RunEnd End, ExitStatus Exit, long BytesIn, long BytesOut, Exception? Error);
