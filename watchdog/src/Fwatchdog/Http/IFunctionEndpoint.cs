using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// What answers every path but the watchdog's own: forking per request (classic, streaming),
/// proxying to the function's server (http) or serving files (static). One implementation per
/// mode, chosen once at start-up, so no request asks which mode it is in. The
/// <see cref="RequestDispatcher"/> counts every request in the HTTP metrics; endpoints do only their own work.
/// </summary>
public interface IFunctionEndpoint
{
    /// <param name="started">The <see cref="System.Diagnostics.Stopwatch"/> timestamp the request was received at, the start of its duration everywhere it is reported.</param>
    Task HandleAsync(HttpContext context, long started);
}
