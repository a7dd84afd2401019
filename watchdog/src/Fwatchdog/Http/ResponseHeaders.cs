using Fwatchdog.Configuration;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

internal static class ResponseHeaders
{
    /// <summary>
    /// content_type when set, else the request's Content-Type echoed back (the Go watchdog's rule).
    /// A value that cannot be a header (a control character) is left out rather than fail the
    /// answer after the function has run.
    /// </summary>
    public static void SetContentType(HttpContext context, WatchdogOptions options)
    {
        var contentType = options.ContentType ?? context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType) && !RequestHeaderRules.HasControlCharacters(contentType))
            context.Response.ContentType = contentType;
    }
}
