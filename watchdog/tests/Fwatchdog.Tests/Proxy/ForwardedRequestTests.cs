using System.Net;
using System.Text;
using Fwatchdog.Proxy;
using Fwatchdog.Proxy.Forwarding;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Fwatchdog.Tests.Proxy;

public class ForwardedRequestTests
{
    private static readonly ForwardedRequest Forwarded = new(new Uri("http://127.0.0.1:3000"));

    private static DefaultHttpContext Context(string method = "GET", string rawTarget = "/", params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Features.Get<IHttpRequestFeature>()!.RawTarget = rawTarget;
        context.Request.Host = new HostString("function.example:8080");
        context.Connection.RemoteIpAddress = IPAddress.Parse("::ffff:10.1.2.3");
        foreach (var (name, value) in headers)
            context.Request.Headers.Append(name, value);
        return context;
    }

    /// <summary>The head as the upstream receives it, as lines (the final empty line included).</summary>
    private static string[] Head(HttpContext context, RequestFraming framing = RequestFraming.None, long length = 0, bool upgrade = false,
        string callId = "id-0", ForwardedRequest? forwarded = null)
    {
        using var head = new RequestHeadBuffer();
        (forwarded ?? Forwarded).WriteHead(context, callId, framing, length, upgrade, head);
        var text = Encoding.UTF8.GetString(head.Written.Span);
        Assert.EndsWith("\r\n\r\n", text, StringComparison.Ordinal);
        return text[..^2].Split("\r\n");
    }

    [Fact]
    public void Method_path_and_query_are_forwarded_exactly_as_received_and_host_comes_first()
    {
        var lines = Head(Context("DELETE", "/a/%2F/../b?x=%20&y"));

        Assert.Equal("DELETE /a/%2F/../b?x=%20&y HTTP/1.1", lines[0]);
        Assert.Equal("Host: function.example:8080", lines[1]);
    }

    [Fact]
    public void Hop_by_hop_headers_and_those_the_connection_header_names_are_dropped()
    {
        var lines = Head(Context("GET", "/",
            ("Connection", "keep-alive, X-Drop"), ("Keep-Alive", "timeout=5"), ("X-Drop", "1"), ("TE", "trailers"),
            ("Proxy-Authorization", "x"), ("Upgrade", "h2c"), ("X-Keep", "2")));

        Assert.DoesNotContain(lines, line => line.StartsWith("Connection:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, line => line.StartsWith("Keep-Alive:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, line => line.StartsWith("X-Drop:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, line => line.StartsWith("TE:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, line => line.StartsWith("Proxy-Authorization:", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, line => line.StartsWith("Upgrade:", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("X-Keep: 2", lines);
    }

    [Fact]
    public void An_upgrade_keeps_its_handshake_headers()
    {
        var lines = Head(Context("GET", "/ws", ("Connection", "Upgrade"), ("Upgrade", "websocket")), upgrade: true);

        Assert.Contains("Connection: Upgrade", lines);
        Assert.Contains("Upgrade: websocket", lines);
    }

    [Fact]
    public void Forwarding_headers_are_added_and_a_repeated_header_keeps_its_lines()
    {
        var lines = Head(Context("GET", "/", ("X-Forwarded-For", "192.0.2.1"), ("X-Multi", "a"), ("X-Multi", "b")));

        Assert.Contains("X-Forwarded-For: 192.0.2.1, 10.1.2.3", lines);
        Assert.Contains("X-Forwarded-Proto: http", lines);
        Assert.Equal(["X-Multi: a", "X-Multi: b"], lines.Where(line => line.StartsWith("X-Multi:", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_watchdogs_call_id_replaces_the_clients_and_the_framing_replaces_the_clients_length()
    {
        var lines = Head(Context("POST", "/", ("Content-Type", "text/csv"), ("Content-Length", "2"), ("X-Call-Id", "")),
            RequestFraming.Length, 2, callId: "id-1");

        Assert.Equal(["X-Call-Id: id-1"], lines.Where(line => line.StartsWith("X-Call-Id:", StringComparison.Ordinal)));
        Assert.Equal(["Content-Length: 2"], lines.Where(line => line.StartsWith("Content-Length:", StringComparison.Ordinal)));
        Assert.Contains("Content-Type: text/csv", lines);
    }

    [Fact]
    public void A_body_without_a_length_goes_chunked()
    {
        var lines = Head(Context("POST", "/", ("Transfer-Encoding", "chunked")), RequestFraming.Chunked);

        Assert.Equal(["Transfer-Encoding: chunked"], lines.Where(line => line.StartsWith("Transfer-Encoding:", StringComparison.Ordinal)));
        Assert.DoesNotContain(lines, line => line.StartsWith("Content-Length:", StringComparison.Ordinal));
    }

    [Fact]
    public void Utf8_values_are_sent_as_utf8()
    {
        using var head = new RequestHeadBuffer();
        Forwarded.WriteHead(Context("GET", "/", ("X-Name", "José")), "id-0", RequestFraming.None, 0, false, head);

        byte[] line = [.. "X-Name: Jos"u8, 0xC3, 0xA9, .. "\r\n"u8];
        Assert.True(head.Written.Span.IndexOf(line) >= 0);
    }

    [Fact]
    public void An_upstream_url_with_a_path_prefixes_the_target()
    {
        var lines = Head(Context("GET", "/x?y=1"), forwarded: new ForwardedRequest(new Uri("http://127.0.0.1:3000/api/")));

        Assert.Equal("GET /api/x?y=1 HTTP/1.1", lines[0]);
    }
}
