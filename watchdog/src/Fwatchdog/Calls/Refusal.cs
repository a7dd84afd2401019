using Fwatchdog.Http;

namespace Fwatchdog.Calls;

/// <summary>Whose rule refused a call, which decides how the refusal is logged.</summary>
internal enum RefusalKind : byte
{
    /// <summary>The request broke a rule (malformed headers, a method the function does not take): a warning naming it.</summary>
    Request = 1,
    /// <summary>max_inflight was reached: not logged, as the Go limiter does not; the metric says it.</summary>
    Capacity,
    /// <summary>jwt_auth: the Go middleware's "ACCESS DENIED" line with the reason, and the call's id on the answer.</summary>
    Access,
}

/// <summary>A call refused before anything ran: its answer and why.</summary>
/// <param name="Reason">The sentence logged; for <see cref="RefusalKind.Access"/> also the answer's text.</param>
/// <param name="Header">One header the answer needs besides its text (401's WWW-Authenticate, 503's Retry-After).</param>
internal sealed record Refusal(RefusalKind Kind, int Status, string Text, string? Reason,
    string InternalSource = PlainText.Watchdog, (string Name, string Value)? Header = null);
