using System.Text;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>Short text answers the watchdog writes itself (errors, refusals).</summary>
internal static class PlainText
{
    public const string ContentType = "text/plain; charset=utf-8";

    public static async Task WriteAsync(HttpContext context, int statusCode, string text)
    {
        var body = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = ContentType;
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
