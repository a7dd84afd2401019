using Fwatchdog.Proxy;
using Microsoft.AspNetCore.Http;

namespace Fwatchdog.Tests.Proxy;

/// <summary>
/// The facts of the call line, against Go's rules as its source states them: net/http's
/// transfer.go (readTransfer, fixLength) for res.ContentLength, ReadResponse for res.Status, and the
/// of-watchdog's requiresStdlibProxy (executor/http_runner.go at 9bdadb1).
/// </summary>
public class OfWatchdogCallLineTests
{
    [Theory]
    [InlineData("GET", 200, false, 57L, 57L)]
    [InlineData("GET", 200, false, null, -1L)]           // no length: read until close
    [InlineData("GET", 200, true, null, -1L)]            // chunked
    [InlineData("GET", 200, true, 57L, -1L)]             // chunked wins over a Content-Length
    [InlineData("POST", 204, false, 10L, 0L)]
    [InlineData("GET", 304, false, 10L, 0L)]
    [InlineData("GET", 103, false, null, 0L)]
    [InlineData("HEAD", 200, false, 2048L, 2048L)]       // HEAD: the header, no body
    [InlineData("HEAD", 200, false, null, -1L)]
    [InlineData("HEAD", 204, false, 5L, 5L)]
    [InlineData("head", 200, false, 9L, 9L)]
    public void The_length_is_what_Gos_client_reads(string method, int status, bool chunked, long? header, long expected)
    {
        Assert.Equal(expected, GoResponseLength.Of(method, status, chunked, header));
    }

    [Theory]
    [InlineData(200, "OK", "200 OK")]
    [InlineData(200, "", "200")]
    [InlineData(299, "Fine Thanks", "299 Fine Thanks")]
    [InlineData(418, "I'm a teapot", "418 I'm a teapot")]
    [InlineData(502, null, "502 Bad Gateway")]
    [InlineData(504, null, "504 Gateway Timeout")]
    public void The_status_text_is_the_code_and_the_phrase_sent(int status, string? phrase, string expected)
    {
        Assert.Equal(expected, UpstreamStatusText.Of(status, phrase));
    }

    [Fact]
    public void A_phrase_seen_before_costs_no_new_string()
    {
        var first = UpstreamStatusText.Of(201, "Created");

        Assert.Same(first, UpstreamStatusText.Of(201, "Created"));
    }

    [Theory]
    [InlineData("text/event-stream", null, true)]
    [InlineData("TEXT/Event-Stream; q=1", null, true)]
    [InlineData("application/json, application/x-ndjson", null, true)]
    [InlineData("application/json", null, false)]
    [InlineData(null, "websocket", true)]
    [InlineData(null, "WebSocket", false)]                // Go compares the Upgrade value exactly
    [InlineData(null, "h2c", false)]
    [InlineData(null, null, false)]
    public void Requests_the_of_watchdog_hands_to_Gos_ReverseProxy(string? accept, string? upgrade, bool expected)
    {
        var context = new DefaultHttpContext();
        if (accept is not null)
            context.Request.Headers.Accept = accept;
        if (upgrade is not null)
            context.Request.Headers.Upgrade = upgrade;

        Assert.Equal(expected, OfWatchdogCallLine.UsesReverseProxy(context.Request));
    }
}
