using Fwatchdog.Execution;

namespace Fwatchdog.Calls;

/// <summary>How far a fork-mode call's answer got before it ended.</summary>
internal enum CallDelivery : byte
{
    /// <summary>Nothing was sent: the finisher answers from the outcome (<see cref="Http.OutcomeAnswer"/>).</summary>
    Pending,
    /// <summary>The function's output went out as the answer, whole.</summary>
    Sent,
    /// <summary>The answer started but could not be completed: see <see cref="ForkOutcome.DeliveryEnd"/>, or the run's outcome in streaming.</summary>
    Cut,
    /// <summary>cgi_response: the output's header block is invalid (<see cref="ForkOutcome.DeliveryProblem"/> says how, and was logged where it was found); nothing was sent, the finisher answers 502.</summary>
    InvalidCgiResponse,
    /// <summary>The function failed while its output was still an unfinished cgi_response header block: the finisher answers the failure's status and text alone.</summary>
    StatusOnly,
}

/// <summary>
/// How a fork-mode call ended, as the launcher and the responders return it (inside a
/// <see cref="CallOutcome"/>): what the function's run came to, and how far the answer got.
/// </summary>
/// <param name="Run">Failed to start, the input refused before the start, or the run's own outcome: what function_executions_total counts.</param>
/// <param name="BytesSent">The output bytes the log line reports.</param>
/// <param name="DeliveryEnd">Why a <see cref="CallDelivery.Cut"/> answer stopped after the run had ended (write_timeout, the client gone); default when the run's outcome says it.</param>
/// <param name="DeliveryProblem">What failed, in words, with <paramref name="DeliveryEnd"/>.</param>
/// <param name="Streamed">Delivered by mode=streaming's responder (chunked as produced), whose ends are logged in its own words.</param>
internal readonly record struct ForkOutcome(
    RunOutcome Run,
    double Seconds,
    CallDelivery Delivery,
    long BytesSent = 0,
    RunEnd DeliveryEnd = default,
    string? DeliveryProblem = null,
    bool Streamed = false)
{
    /// <summary>Nothing ran (the body was refused or failed, or the process could not start); the finisher answers.</summary>
    public static ForkOutcome BeforeRun(in RunOutcome outcome) => new(outcome, 0, CallDelivery.Pending);
}
