using Fwatchdog.Execution;

namespace Fwatchdog.Http;

/// <summary>How far a fork-mode call's answer got before it ended.</summary>
internal enum CallDelivery : byte
{
    /// <summary>Nothing was sent: the finisher answers from the outcome (<see cref="OutcomeAnswer"/>).</summary>
    Pending,
    /// <summary>The function's output went out as the answer, whole.</summary>
    Sent,
    /// <summary>The answer started but could not be completed: see <see cref="CallEnd.DeliveryEnd"/>, or the outcome in streaming.</summary>
    Cut,
    /// <summary>Answered in the responder's own words, which logged why (cgi_response's invalid header block: 502).</summary>
    AnsweredOtherwise,
}

/// <summary>
/// How a fork-mode call ended, as every step returns it to <see cref="CallFinisher"/>: the whole
/// cause, what was refused or what the function's run came to, and how far the answer got.
/// </summary>
/// <param name="Outcome">Refused before a run, failed to start, or the run's own outcome: what function_executions_total counts.</param>
/// <param name="BytesSent">The output bytes the log line reports.</param>
/// <param name="DeliveryEnd">Why a <see cref="CallDelivery.Cut"/> answer stopped after the run had ended (write_timeout, the client gone); default when the run's outcome says it.</param>
/// <param name="DeliveryProblem">What failed, in words, with <paramref name="DeliveryEnd"/>.</param>
/// <param name="Refusal">For a call refused before it ran: the answer and why.</param>
internal readonly record struct CallEnd(
    RunOutcome Outcome,
    double Seconds,
    CallDelivery Delivery,
    long BytesSent = 0,
    RunEnd DeliveryEnd = default,
    string? DeliveryProblem = null,
    Refusal? Refusal = null)
{
    public static CallEnd Refused(Refusal refusal) => new(RunOutcome.BeforeStart(RunEnd.Refused), 0, CallDelivery.Pending, Refusal: refusal);

    /// <summary>Nothing ran (the body was refused or failed, or the process could not start); the finisher answers.</summary>
    public static CallEnd BeforeRun(in RunOutcome outcome) => new(outcome, 0, CallDelivery.Pending);
}

/// <summary>A call refused before anything ran: its status, its text, the log line that says why (none for 429).</summary>
internal sealed record Refusal(int Status, string Text, string? Reason, string InternalSource = PlainText.Watchdog);
