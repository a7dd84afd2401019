using System.Net.Sockets;
using BadHttpRequestException = Microsoft.AspNetCore.Http.BadHttpRequestException;

namespace Fwatchdog.Proxy;

/// <summary>Why a forwarded call failed, in one line a person can act on.</summary>
internal static class UpstreamFailure
{
    /// <summary>The client's own request was bad (malformed chunked body, over max_request_bytes): not the upstream's fault.</summary>
    public static BadHttpRequestException? BadRequest(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (e is BadHttpRequestException bad)
                return bad;
        }
        return null;
    }

    public static string Describe(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused (is the function's server listening on upstream_url?)";
                case SocketException { SocketErrorCode: SocketError.ConnectionReset }:
                    return "connection reset by the function's server";
                case HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded }:
                    return "the function's server closed the connection before answering";
                case HttpRequestException { HttpRequestError: HttpRequestError.InvalidResponse }:
                    return "the function's server sent an invalid HTTP response";
            }
        }
        return error.InnerException?.Message ?? error.Message;
    }
}
