using System.Net.Sockets;
using Fwatchdog.Execution;
using Fwatchdog.Http;

namespace Fwatchdog.Proxy;

/// <summary>Why a forwarded call failed, in one line a person can act on.</summary>
internal static class UpstreamFailure
{
    /// <summary>
    /// The client's own request was bad (a malformed chunked body, a chunk size beyond 64 bits, over
    /// max_request_bytes), found anywhere in the chain the handler wrapped it in: not the upstream's fault.
    /// </summary>
    public static InputRejectedException? ClientFault(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (RequestBodyInput.Rejection(e) is { } rejected)
                return rejected;
        }
        return null;
    }

    /// <summary>The client closed or reset its connection before its whole body arrived (<see cref="RequestBodyInput.Abandoned"/>), found anywhere in the chain.</summary>
    public static bool ClientLeft(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            if (RequestBodyInput.Abandoned(e))
                return true;
        }
        return false;
    }

    public static string Describe(Exception error)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Forwarding.UpstreamProtocolException:
                    return e.Message;
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
