using System.Text;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Http;

/// <summary>
/// Short text answers the watchdog writes itself (errors, refusals). Each is marked with
/// <c>X-OpenFaaS-Internal</c> (openfaas/faas#1792), so the gateway and its users can tell the
/// watchdog's answer from the function's, with the Go watchdogs' values: <see cref="Middleware"/>
/// for the parts both share from faas-middleware (max_inflight's 429, jwt_auth's refusals),
/// <see cref="Watchdog"/> for the rest.
/// </summary>
internal static class PlainText
{
    public const string ContentType = "text/plain; charset=utf-8";
    public const string InternalHeader = "X-OpenFaaS-Internal";
    public const string Watchdog = "of-watchdog";
    public const string Middleware = "faas-middleware";

    /// <param name="internalSource">The X-OpenFaaS-Internal value; null for answers that stand for the function (mode=static's files).</param>
    public static async Task WriteAsync(HttpContext context, int statusCode, string text, string? internalSource = Watchdog)
    {
        var body = Encoding.UTF8.GetBytes(text);
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.ContentLength = body.Length;
        if (internalSource is not null)
            response.Headers[InternalHeader] = internalSource;
        await response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
