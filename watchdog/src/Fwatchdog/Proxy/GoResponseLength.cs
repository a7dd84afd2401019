using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Proxy;

/// <summary>
/// The length Go's HTTP client gives an upstream answer (net/http transfer.go, res.ContentLength),
/// which the of-watchdog's call line prints: the Content-Length header for a HEAD; 0 for 1xx, 204
/// and 304 whatever the header says; -1 (unknown) for a chunked answer or one without the header.
/// </summary>
public static class GoResponseLength
{
    public const long Unknown = -1;

    public static long Of(string method, int status, bool chunked, long? contentLength)
    {
        if (HttpMethods.IsHead(method))
            return contentLength ?? Unknown;
        if (status is >= 100 and < 200 or 204 or 304)
            return 0;
        if (chunked)
            return Unknown;
        return contentLength ?? Unknown;
    }
}
