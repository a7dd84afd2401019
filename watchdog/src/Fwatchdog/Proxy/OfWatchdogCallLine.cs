using Fwatchdog.Telemetry;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fwatchdog.Proxy;

/// <summary>
/// The facts of mode=http's call line, as the of-watchdog (executor/http_runner.go at 9bdadb1)
/// takes them: the raw request URI, the upstream's status line and Content-Length, or — for the
/// requests it hands to Go's ReverseProxy — the status and the bytes relayed. For an answer the
/// watchdog made itself (502, 504…, where the of-watchdog logs no call line) the same line says
/// what the client got.
/// </summary>
internal static class OfWatchdogCallLine
{
    /// <param name="upstream">The upstream's answer; default when it gave none.</param>
    /// <param name="bytesOut">Body bytes relayed to the client.</param>
    public static ForwardedLine For(HttpContext context, in UpstreamAnswer upstream, long bytesOut)
    {
        var response = context.Response;
        var status = response.StatusCode;
        // The client got the upstream's answer, or (a different status) one the watchdog made itself.
        var relayed = upstream.Status == status;
        return new ForwardedLine(
            RequestUri(context),
            status,
            UpstreamStatusText.Of(status, relayed ? upstream.Reason : null),
            relayed ? upstream.ContentLength : response.ContentLength ?? GoResponseLength.Unknown,
            bytesOut,
            UsesReverseProxy(context.Request));
    }

    /// <summary>The target as sent (Go's r.RequestURI): path and query undecoded.</summary>
    private static string RequestUri(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } target
            ? target
            : context.Request.Path.Value + context.Request.QueryString.Value;

    /// <summary>
    /// The of-watchdog's requiresStdlibProxy: the first Accept value names server-sent events or
    /// NDJSON (any case), or the first Upgrade value is exactly "websocket".
    /// </summary>
    public static bool UsesReverseProxy(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count > 0 && accept[0] is { } first &&
            (first.Contains("text/event-stream", StringComparison.OrdinalIgnoreCase) || first.Contains("application/x-ndjson", StringComparison.OrdinalIgnoreCase)))
            return true;
        var upgrade = request.Headers.Upgrade;
        return upgrade.Count > 0 && string.Equals(upgrade[0], "websocket", StringComparison.Ordinal);
    }
}
