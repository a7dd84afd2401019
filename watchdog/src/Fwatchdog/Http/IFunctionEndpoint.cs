using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// What answers every path but the watchdog's own: forking per request (classic, streaming),
/// proxying to the function's server (http) or serving files (static). One implementation per
/// mode, chosen once at start-up, so no request asks which mode it is in.
/// </summary>
public interface IFunctionEndpoint
{
    Task HandleAsync(HttpContext context);
}
