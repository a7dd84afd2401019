using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

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
    string InternalSource = PlainText.Watchdog, (string Name, string Value)? Header = null)
{
    /// <summary>
    /// 400 for what Go's server refuses and Kestrel lets through (<see cref="RequestHeaderRules"/>): a
    /// header name that is not a token, a control character in a header value or the request target.
    /// Null for a request that breaks none of them. Every mode asks before anything runs or is forwarded.
    /// </summary>
    public static Refusal? OfMalformed(HttpRequest request)
    {
        var violation = RequestHeaderRules.FindViolation(request.Headers)
            ?? RequestHeaderRules.FindTargetViolation(request.HttpContext.Features.Get<IHttpRequestFeature>()?.RawTarget);
        return violation is null ? null
            : new Refusal(RefusalKind.Request, StatusCodes.Status400BadRequest, $"Bad request: {violation}.\n", $"Rejected a malformed request: {violation}");
    }
}
