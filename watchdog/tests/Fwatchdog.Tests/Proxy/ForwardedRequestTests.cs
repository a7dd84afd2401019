using System.Net;
using Fwatchdog.Proxy;
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

    private static string? Header(HttpRequestMessage message, string name) =>
        message.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    [Fact]
    public void Method_path_and_query_are_forwarded_exactly_as_received()
    {
        using var message = Forwarded.Create(Context("DELETE", "/a/%2F/../b?x=%20&y"), null, "id-0");

        Assert.Equal(HttpMethod.Delete, message.Method);
        Assert.Equal("http://127.0.0.1:3000/a/%2F/../b?x=%20&y", message.RequestUri!.OriginalString);
        Assert.Equal("/a/%2F/../b?x=%20&y", message.RequestUri.PathAndQuery);
    }

    [Fact]
    public void Hop_by_hop_headers_and_those_the_connection_header_names_are_dropped()
    {
        using var message = Forwarded.Create(Context("GET", "/",
            ("Connection", "keep-alive, X-Drop"), ("Keep-Alive", "timeout=5"), ("X-Drop", "1"), ("TE", "trailers"),
            ("Proxy-Authorization", "x"), ("Upgrade", "h2c"), ("X-Keep", "2")), null, "id-0");

        Assert.Null(Header(message, "Connection"));
        Assert.Null(Header(message, "Keep-Alive"));
        Assert.Null(Header(message, "X-Drop"));
        Assert.Null(Header(message, "TE"));
        Assert.Null(Header(message, "Proxy-Authorization"));
        Assert.Null(Header(message, "Upgrade"));
        Assert.Equal("2", Header(message, "X-Keep"));
    }

    [Fact]
    public void Host_is_kept_and_forwarding_headers_are_added()
    {
        using var message = Forwarded.Create(Context("GET", "/", ("X-Forwarded-For", "192.0.2.1")), null, "id-0");

        Assert.Equal("function.example:8080", message.Headers.Host);
        Assert.Equal("192.0.2.1, 10.1.2.3", Header(message, "X-Forwarded-For"));
        Assert.Equal("http", Header(message, "X-Forwarded-Proto"));
    }

    [Fact]
    public void The_watchdogs_call_id_replaces_the_clients_and_content_headers_go_on_the_content()
    {
        using var content = new ByteArrayContent([1, 2]);
        using var message = Forwarded.Create(Context("POST", "/", ("Content-Type", "text/csv"), ("Content-Length", "2"), ("X-Call-Id", "")), content, "id-1");

        Assert.Equal("id-1", Header(message, "X-Call-Id"));
        Assert.Equal("text/csv", content.Headers.ContentType!.ToString());
        Assert.Equal(2, content.Headers.ContentLength);
    }

    [Fact]
    public void An_upstream_url_with_a_path_prefixes_the_target()
    {
        var prefixed = new ForwardedRequest(new Uri("http://127.0.0.1:3000/api/"));

        using var message = prefixed.Create(Context("GET", "/x?y=1"), null, "id-0");

        Assert.Equal("http://127.0.0.1:3000/api/x?y=1", message.RequestUri!.OriginalString);
    }
}
