using Fwatchdog.Execution;

namespace Fwatchdog.Telemetry;

/// <summary>
/// The one mapping from how a call ended to what function_executions_total and
/// function_exit_codes_total count. Pure: the same outcome always gets the same label.
/// </summary>
public static class OutcomeLabel
{
    /// <summary>function_exit_codes_total's code for a process killed by a signal ("signal").</summary>
    public const int SignalExitCode = 256;

    /// <returns>The outcome label, and the exit code when the process ended by itself (null otherwise).</returns>
    public static (ExecutionOutcome Label, int? ExitCode) Of(in RunOutcome outcome) => outcome.End switch
    {
        RunEnd.Exited when outcome.Exit.Success => (ExecutionOutcome.Success, 0),
        RunEnd.Exited => (ExecutionOutcome.Error, outcome.Exit.Signal == 0 ? outcome.Exit.Code : SignalExitCode),
        RunEnd.ExecTimeout => (ExecutionOutcome.Timeout, null),
        RunEnd.FailedToStart => (ExecutionOutcome.Error, null),
        // The watchdog refused the request or its body, whether or not a process had started to read it.
        RunEnd.Refused or RunEnd.InputTooLarge or RunEnd.InputMalformed => (ExecutionOutcome.Rejected, null),
        // Nothing to kill when the input failed before a process started: the request was refused.
        _ when !outcome.Started => (ExecutionOutcome.Rejected, null),
        _ => (ExecutionOutcome.Killed, null),
    };

    public static void Record(this IWatchdogMetrics metrics, in RunOutcome outcome, double seconds)
    {
        var (label, exitCode) = Of(outcome);
        metrics.FunctionCompleted(label, exitCode, seconds, outcome.BytesIn, outcome.BytesOut);
    }
}
