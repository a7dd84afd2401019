namespace Fwatchdog.Execution;

/// <summary>
/// Why a function call ended, with its whole cause, so no later layer has to reassemble it: the
/// HTTP answer and the metrics label are each one pure function of a <see cref="RunOutcome"/>.
/// For a started run the first cause wins.
/// </summary>
public enum RunEnd : byte
{
    /// <summary>The process ended by itself: an exit code, or a signal it did not get from us; see <see cref="RunOutcome.Exit"/>.</summary>
    Exited = 1,
    /// <summary>exec_timeout (or a shorter X-Timeout) elapsed; the group was killed.</summary>
    ExecTimeout,
    /// <summary>The input was not read to its end within its deadline (read_timeout).</summary>
    InputTimeout,
    /// <summary>The output could not be written within its deadline (write_timeout, streaming).</summary>
    WriteTimeout,
    /// <summary>The caller went away or the watchdog is stopping.</summary>
    ClientGone,
    /// <summary>The input was larger than its limit (max_request_bytes).</summary>
    InputTooLarge,
    /// <summary>The input was malformed (e.g. a broken chunked encoding).</summary>
    InputMalformed,
    /// <summary>Reading the input failed for another reason (see <see cref="RunOutcome.Error"/>).</summary>
    InputFailed,
    /// <summary>Writing or holding the output failed (see <see cref="RunOutcome.Error"/>).</summary>
    OutputFailed,
    /// <summary>The call was refused before any process was started (bad headers, method, capacity).</summary>
    Refused,
    /// <summary>The process could not be started; <see cref="RunOutcome.Error"/> is the <see cref="FunctionStartException"/>.</summary>
    FailedToStart,
}

/// <summary>How one function call ended. A struct: building one allocates nothing.</summary>
/// <param name="Started">False when no process ran (refused, failed to start, or the input failed before the start).</param>
public readonly record struct RunOutcome(RunEnd End, ExitStatus Exit, long BytesIn, long BytesOut, Exception? Error, bool Started = true)
{
    /// <summary>The process exited by itself with status 0.</summary>
    public bool Succeeded => End == RunEnd.Exited && Exit.Success;

    /// <summary>The call ended before a process was started, for <paramref name="end"/>.</summary>
    public static RunOutcome BeforeStart(RunEnd end, Exception? error = null) => new(end, default, 0, 0, error, Started: false);

    public static RunOutcome StartFailed(FunctionStartException error) => BeforeStart(RunEnd.FailedToStart, error);
}
