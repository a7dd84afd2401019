using System.Net;
using Fwatchdog.Http;
using Fwatchdog.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fwatchdog.Proxy;

/// <summary>How the forwarded request's body is delimited on the upstream connection.</summary>
internal enum RequestFraming : byte
{
    /// <summary>No body and no length (a GET, an upgrade).</summary>
    None,
    /// <summary><c>Content-Length</c> (0 too, when the client sent it).</summary>
    Length,
    /// <summary><c>Transfer-Encoding: chunked</c>: the client sent no length.</summary>
    Chunked,
}

/// <summary>
/// The client's request head as the upstream receives it: same method, the path and query exactly as
/// the client sent them (no decoding or normalising), the client's Host first, every end-to-end
/// header in the client's order (a repeated one on its own lines, as Go writes them), X-Call-Id, and
/// X-Forwarded-For / X-Forwarded-Proto added, as of-watchdog users' servers expect.
/// </summary>
internal sealed class ForwardedRequest(Uri upstreamUrl)
{
    // upstream_url's path, then the client's target, as of-watchdog joins them ("http://127.0.0.1:3000/fn" + "/a?b").
    private readonly string _pathPrefix = upstreamUrl.AbsolutePath.TrimEnd('/');
    private readonly string _authority = upstreamUrl.Authority;
    private ClientAddress? _lastClient;

    /// <param name="upgrade">The client asks to switch protocols (WebSocket): <c>Connection: Upgrade</c> and its
    /// <c>Upgrade</c> header go along, though hop-by-hop, since the upstream must see the handshake.</param>
    public void WriteHead(HttpContext context, string callId, RequestFraming framing, long length, bool upgrade, RequestHeadBuffer head)
    {
        var request = context.Request;
        head.WriteAscii(request.Method);
        head.Write(" "u8);
        if (_pathPrefix.Length > 0)
            head.WriteUtf8(_pathPrefix);
        head.WriteUtf8(Target(context));
        head.Write(" HTTP/1.1\r\n"u8);
        head.WriteHeader("Host", request.Host.HasValue ? request.Host.Value : _authority);

        var headers = request.Headers;
        // Kestrel keeps only "close", "keep-alive" or "upgrade" of a list beside them: the text as sent names the rest.
        var connection = headers.Connection is { Count: > 0 } kept ? ConnectionHeaderText.Of(context, kept) : default;
        foreach (var (name, values) in headers)
        {
            if (HopByHopHeaders.Contains(name) || IsSetHere(name) || (connection.Count > 0 && HopByHopHeaders.NamedBy(connection, name)))
                continue;
            foreach (var value in values)
                head.WriteHeader(name, value ?? "");
        }
        if (upgrade)
        {
            head.Write("Connection: Upgrade\r\n"u8);
            foreach (var protocol in headers.Upgrade)
                head.WriteHeader("Upgrade", protocol ?? "");
        }
        // The call id the watchdog logs and echoes: the client's, or a generated one that replaces
        // an absent or unusable one.
        head.WriteHeader(CallId.Header, callId);

        var forwardedFor = headers["X-Forwarded-For"];
        if (context.Connection.RemoteIpAddress is { } client)
        {
            head.Write("X-Forwarded-For: "u8);
            if (forwardedFor.Count > 0)
            {
                head.WriteUtf8(forwardedFor.ToString());
                head.Write(", "u8);
            }
            head.WriteAscii(AddressOf(client));
            head.Write("\r\n"u8);
        }
        else
        {
            foreach (var value in forwardedFor)
                head.WriteHeader("X-Forwarded-For", value ?? "");
        }
        if (!headers.ContainsKey("X-Forwarded-Proto"))
            head.Write("X-Forwarded-Proto: http\r\n"u8); // the watchdog listens on plain HTTP only

        switch (framing)
        {
            case RequestFraming.Length:
                head.Write("Content-Length: "u8);
                head.WriteDecimal(length);
                head.Write("\r\n"u8);
                break;
            case RequestFraming.Chunked:
                head.Write("Transfer-Encoding: chunked\r\n"u8);
                break;
        }
        head.Write("\r\n"u8);
    }

    /// <summary>The request target as received; absolute-form targets fall back to the parsed path and query.</summary>
    private static string Target(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is { Length: > 0 } && raw[0] == '/')
            return raw;
        var request = context.Request;
        return request.PathBase.Add(request.Path).ToUriComponent() + request.QueryString.ToUriComponent();
    }

    /// <summary>Host comes first; Content-Length or Transfer-Encoding from the framing; Expect is answered by Kestrel itself; the call id and X-Forwarded-For are written here.</summary>
    private static bool IsSetHere(string name) =>
        string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, "Expect", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, CallId.Header, StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, "X-Forwarded-For", StringComparison.OrdinalIgnoreCase);

    /// <summary>A client's address as text, kept for the next call: a function's callers are few (the gateway), their calls many.</summary>
    private string AddressOf(IPAddress client)
    {
        if (_lastClient is { } last && last.Address.Equals(client))
            return last.Text;
        var text = (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
        _lastClient = new ClientAddress(client, text);
        return text;
    }

    private sealed record ClientAddress(IPAddress Address, string Text);
}
