using Fwatchdog.Calls;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// What answers every path but the watchdog's own: forking per request (classic, streaming),
/// proxying to the function's server (http) or serving files (static). One implementation per
/// mode, chosen once at start-up, so no request asks which mode it is in. An endpoint delivers the
/// function's answer and returns how the call ended; the <see cref="RequestDispatcher"/> hands that
/// to <see cref="CallFinisher"/>, which alone answers the rest, logs and counts it, and counts every
/// request in the HTTP metrics.
/// </summary>
internal interface IFunctionEndpoint
{
    /// <param name="started">The <see cref="System.Diagnostics.Stopwatch"/> timestamp the request was received at, the start of its duration everywhere it is reported.</param>
    ValueTask<CallOutcome> HandleAsync(HttpContext context, long started);
}
