using Fwatchdog.Configuration;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

internal static class ResponseHeaders
{
    /// <summary>content_type when set, else the request's Content-Type echoed back (the Go watchdog's rule).</summary>
    public static void SetContentType(HttpContext context, WatchdogOptions options)
    {
        var contentType = options.ContentType ?? context.Request.ContentType;
        if (!string.IsNullOrEmpty(contentType))
            context.Response.ContentType = contentType;
    }
}
