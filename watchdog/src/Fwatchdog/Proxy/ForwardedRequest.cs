using System.Net;
using Fwatchdog.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Fwatchdog.Proxy;

/// <summary>
/// The client's request as the upstream receives it: same method, the path and query exactly as the
/// client sent them (no decoding or normalising), every end-to-end header, the client's Host, and
/// X-Forwarded-For / X-Forwarded-Proto added, as of-watchdog users' servers expect.
/// </summary>
internal sealed class ForwardedRequest(Uri upstreamUrl)
{
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    // upstream_url plus the client's target, as of-watchdog joins them ("http://127.0.0.1:3000" + "/a?b").
    private readonly string _base = upstreamUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');

    /// <param name="upgrade">The client asks to switch protocols (WebSocket): <c>Connection: Upgrade</c> and its
    /// <c>Upgrade</c> header go along, though hop-by-hop, since the upstream must see the handshake.</param>
    public HttpRequestMessage Create(HttpContext context, HttpContent? content, string callId, bool upgrade = false)
    {
        var request = context.Request;
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), new Uri(_base + Target(context), in Verbatim))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        var headers = message.Headers;
        var connection = request.Headers.Connection;
        foreach (var (name, values) in request.Headers)
        {
            if (HopByHopHeaders.Contains(name) || IsSetHere(name) || (connection.Count > 0 && HopByHopHeaders.NamedBy(connection, name)))
                continue;
            if (!Add(headers, name, values) && content is not null)
                Add(content.Headers, name, values); // Content-Type and the other content headers
        }
        if (upgrade)
        {
            headers.TryAddWithoutValidation("Connection", "Upgrade");
            headers.TryAddWithoutValidation("Upgrade", (IEnumerable<string?>)request.Headers.Upgrade.ToArray());
        }
        if (request.Host.HasValue)
            headers.Host = request.Host.Value;
        // The call id the watchdog logs and echoes: the client's, or a generated one that replaces
        // an absent or unusable one.
        headers.TryAddWithoutValidation(CallId.Header, callId);

        var client = context.Connection.RemoteIpAddress;
        if (client is not null)
        {
            var address = (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();
            var forwardedFor = request.Headers["X-Forwarded-For"];
            headers.Remove("X-Forwarded-For");
            headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Count > 0 ? $"{forwardedFor}, {address}" : address);
        }
        if (!request.Headers.ContainsKey("X-Forwarded-Proto"))
            headers.TryAddWithoutValidation("X-Forwarded-Proto", "http"); // the watchdog listens on plain HTTP only
        return message;
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

    /// <summary>Host is set explicitly; Content-Length comes from the body; Expect is answered by Kestrel itself.</summary>
    private static bool IsSetHere(string name) =>
        string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, "Content-Length", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, "Expect", StringComparison.OrdinalIgnoreCase) ||
        string.Equals(name, CallId.Header, StringComparison.OrdinalIgnoreCase);

    private static bool Add(System.Net.Http.Headers.HttpHeaders headers, string name, StringValues values) =>
        values.Count == 1
            ? headers.TryAddWithoutValidation(name, values[0])
            : headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values.ToArray());
}
