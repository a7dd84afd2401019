using System.Net;
using System.Text;
using System.Text.Json;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// mode=http under a hostile client and a misbehaving function's server: nothing either sends may
/// reach the other side unchecked, corrupt an answer or desynchronise a kept-alive connection.
/// </summary>
public sealed class HttpModeHostileRequestTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Theory]
    [InlineData("X-Bad: a\u0001b")]
    [InlineData("X-Bad: a\u007fb")]
    [InlineData("X-Bad: a\u000bb")]
    public async Task A_control_character_in_a_request_header_value_is_a_400_and_never_reaches_the_upstream(string header)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        var response = await ExchangeAsync(watchdog.Port, $"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\n{header}\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.Contains("control character", response, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Upstream", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/echo/a\u0001b")]
    [InlineData("/echo?q=a\u007fb")]
    public async Task A_control_character_in_the_request_target_is_a_400_and_never_reaches_the_upstream(string target)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        var response = await ExchangeAsync(watchdog.Port, $"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Upstream", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_answer_with_both_framings_arrives_chunked_whole_and_the_connection_stays_usable()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        // Two requests on one connection: a lying Content-Length would cut the first and poison the second.
        var response = await ExchangeAsync(watchdog.Port,
            "GET /framing-conflict HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /status/201 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        var first = response[..response.IndexOf("HTTP/1.1 201", StringComparison.Ordinal)];
        Assert.StartsWith("HTTP/1.1 200", first, StringComparison.Ordinal);
        Assert.DoesNotContain("Content-Length", first, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("hello world", first, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 201", response, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(204)]
    [InlineData(304)]
    public async Task A_bodiless_status_with_a_content_length_is_passed_on_without_a_body(int status)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        var response = await ExchangeAsync(watchdog.Port,
            $"GET /bodiless/{status} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nGET /status/201 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");

        Assert.StartsWith($"HTTP/1.1 {status}", response, StringComparison.Ordinal);
        Assert.Contains("HTTP/1.1 201", response, StringComparison.Ordinal);
        Assert.Equal(0, watchdog.Output.Count(line => line.Contains("Unexpected error", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("ZZ")]
    [InlineData("FFFFFFFFFFFFFFFFFF")]
    public async Task A_bad_chunk_size_from_the_client_is_a_400(string size)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        var response = await ExchangeAsync(watchdog.Port,
            $"POST /count HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n{size}\r\n");

        Assert.StartsWith("HTTP/1.1 400", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_the_client_abandons_is_logged_as_cut_off_not_as_an_answer()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        using (var socket = await RawHttp.ConnectAsync(watchdog.Port))
        {
            await socket.SendAsync(Encoding.ASCII.GetBytes("POST /count HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n" + new string('x', 65536)),
                System.Net.Sockets.SocketFlags.None);
        } // closed with the body a fifteenth sent

        var line = await watchdog.WaitForLineAsync("POST /count - ", Limits.Quick);
        Assert.Contains("POST /count - 499 Client Closed Request - ", line.Text, StringComparison.Ordinal);
        await watchdog.WaitForLineAsync("Client disconnected", Limits.Quick);
        Assert.Equal(0, watchdog.Output.Count(l => l.Contains("Reading is already in progress", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_upstream_that_answers_without_reading_the_upload_ends_the_call_cleanly()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        // The upstream answers and closes without reading a byte of the 4 MiB body: the call must
        // end as that answer, with no second reader of the request body (Kestrel's drain) racing the forwarder's.
        var status = await RawHttp.SendAndReadStatusAsync(watchdog.Port,
            Encoding.ASCII.GetBytes("POST /early-answer HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4194304\r\n\r\n" + new string('x', 4194304)), Limits.Quick);
        await watchdog.WaitForLineAsync("POST /early-answer - ", Limits.Quick);
        using var second = await watchdog.Client.GetAsync("/status/202", Limits.Quick);

        Assert.Equal(200, status);
        Assert.Equal((HttpStatusCode)202, second.StatusCode);
        Assert.Equal(0, watchdog.Output.Count(l => l.Contains("Reading is already in progress", StringComparison.Ordinal)));
        Assert.Equal(0, watchdog.Output.Count(l => l.Contains("Unexpected error", StringComparison.Ordinal)));
    }

    private static Task<string> ExchangeAsync(int port, string request) =>
        RawHttp.ExchangeAsync(port, Encoding.Latin1.GetBytes(request), Limits.Quick);
}
