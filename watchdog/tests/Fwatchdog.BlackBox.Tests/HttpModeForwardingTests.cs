using System.Net;
using System.Text;
using System.Text.Json;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=http: what the function's server receives, and what comes back from it.</summary>
public sealed class HttpModeForwardingTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Method_path_query_headers_and_body_reach_the_upstream_and_its_status_and_headers_come_back()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        using var request = Requests.Make(HttpMethod.Put, "/echo/a%20b?x=1&y=%2F", "hello", "text/csv",
            ("X-Keep", "kept"), ("X-Call-Id", "call-7"), ("Connection", "X-Drop"), ("X-Drop", "dropped"), ("X-Forwarded-For", "192.0.2.1"));
        using var response = await watchdog.Client.SendAsync(request);
        var echo = JsonDocument.Parse(await response.BodyAsync()).RootElement;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("yes", response.Headers.GetValues("X-Upstream").Single());
        Assert.Equal("call-7", response.Headers.GetValues("X-Call-Id").Single());
        Assert.True(double.TryParse(response.Headers.GetValues("X-Duration-Seconds").Single(), System.Globalization.CultureInfo.InvariantCulture, out _));
        Assert.Equal("PUT", echo.GetProperty("method").GetString());
        Assert.Equal("/echo/a%20b?x=1&y=%2F", echo.GetProperty("target").GetString());
        Assert.Equal("hello", echo.GetProperty("body").GetString());
        var headers = echo.GetProperty("headers");
        Assert.Equal("kept", headers.GetProperty("x-keep")[0].GetString());
        Assert.Equal("call-7", headers.GetProperty("x-call-id")[0].GetString());
        Assert.Equal("text/csv", headers.GetProperty("content-type")[0].GetString());
        Assert.Equal($"127.0.0.1:{watchdog.Port}", headers.GetProperty("host")[0].GetString());
        Assert.Equal("192.0.2.1, 127.0.0.1", headers.GetProperty("x-forwarded-for")[0].GetString());
        Assert.Equal("http", headers.GetProperty("x-forwarded-proto")[0].GetString());
        Assert.False(headers.TryGetProperty("x-drop", out _), "A header the Connection header names is hop-by-hop");
    }

    [Theory]
    [InlineData("close, X-Drop, X-Also")]
    [InlineData("X-Drop, keep-alive, X-Also")]
    [InlineData("Keep-Alive , X-Drop,X-Also")]
    [InlineData("X-Drop, X-Also")]
    public async Task Every_header_the_Connection_header_names_is_dropped_beside_close_or_keep_alive(string connection)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());
        var closes = connection.Contains("close", StringComparison.Ordinal);

        // Twice on one connection (unless it closes): the second request's head is parsed after the first's.
        var once = $"GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: {connection}\r\nX-Drop: 1\r\nX-Also: 2\r\nX-Keep: 3\r\n\r\n";
        var response = await RawHttp.ExchangeAsync(watchdog.Port,
            Encoding.ASCII.GetBytes(closes ? once : once + once.Replace($"Connection: {connection}", "Connection: close, X-Drop, X-Also", StringComparison.Ordinal)), Limits.Quick);

        var bodies = response.Split("\r\n\r\n").Where(part => part.StartsWith('{')).ToList();
        Assert.Equal(closes ? 1 : 2, bodies.Count);
        foreach (var body in bodies)
        {
            var headers = JsonDocument.Parse(body[..(body.LastIndexOf('}') + 1)]).RootElement.GetProperty("headers");
            Assert.False(headers.TryGetProperty("x-drop", out _), $"X-Drop was forwarded for Connection: {connection}");
            Assert.False(headers.TryGetProperty("x-also", out _), $"X-Also was forwarded for Connection: {connection}");
            Assert.Equal("3", headers.GetProperty("x-keep")[0].GetString());
        }
    }

    [Fact]
    public async Task A_utf8_request_header_value_reaches_the_upstream_byte_for_byte()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        var request = Encoding.UTF8.GetBytes("GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Name: José\r\nConnection: close\r\n\r\n");
        var response = await RawHttp.ExchangeAsync(watchdog.Port, request, Limits.Quick);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        var echo = JsonDocument.Parse(response[(response.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).RootElement;
        // The upstream reads header bytes as Latin-1: "JosÃ©" is exactly the UTF-8 bytes sent.
        Assert.Equal(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("José")), echo.GetProperty("headers").GetProperty("x-name")[0].GetString());
    }

    [Fact]
    public async Task A_utf8_response_header_value_reaches_the_client_byte_for_byte()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        var response = await RawHttp.ExchangeAsync(watchdog.Port, Encoding.ASCII.GetBytes("GET /utf8-header HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"), Limits.Quick);

        Assert.StartsWith("HTTP/1.1 200", response, StringComparison.Ordinal);
        Assert.Contains("filename=\"" + Encoding.Latin1.GetString(Encoding.UTF8.GetBytes("café")) + ".txt\"", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_control_character_in_an_upstream_header_is_a_502_naming_the_header()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        using var response = await watchdog.Client.GetAsync("/control-header", Limits.Quick);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("control character in its X-Bad header", await response.BodyAsync(), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("X-Bad"));
        await watchdog.Output.WaitForLineAsync("control character in its X-Bad header", Limits.Quick);
    }

    /// <summary>One request on its own connection; the whole response as Latin-1, so every byte is one character.</summary>

    [Fact]
    public async Task Upstream_status_codes_pass_through_and_a_call_id_is_generated_when_absent()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        using var response = await watchdog.Client.PostBodyAsync("", "/status/418");

        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Matches("^[0-9a-f-]{36}$", response.Headers.GetValues("X-Call-Id").Single());
        await watchdog.WaitForLineAsync("POST /status/418 - 418", Limits.Quick);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("true")]
    public async Task Log_callid_ends_the_call_line_with_the_call_id_as_the_of_watchdog_does(string value)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("log_callid", value)));

        using var response = await watchdog.Client.PostBodyAsync("", "/status/204", ("X-Call-Id", "call-42"));

        var line = await watchdog.WaitForLineAsync("POST /status/204 - 204", Limits.Quick);
        Assert.EndsWith("s) [call-42]", line.Text);
        Assert.DoesNotContain("call_id=", line.Text);
    }

    [Fact]
    public async Task A_body_without_length_is_streamed_chunked_and_buffer_http_sends_a_content_length()
    {
        using var upstream = new UpstreamServer();
        await using var streaming = await StartAsync(upstream.Options());
        using var upstream2 = new UpstreamServer();
        await using var buffering = await StartAsync(upstream2.Options(("buffer_http", "true")));

        var streamed = await EchoOfChunkedPostAsync(streaming.Client);
        var buffered = await EchoOfChunkedPostAsync(buffering.Client);

        Assert.True(streamed.GetProperty("chunked").GetBoolean());
        Assert.False(streamed.GetProperty("headers").TryGetProperty("content-length", out _));
        Assert.False(buffered.GetProperty("chunked").GetBoolean());
        Assert.Equal("11", buffered.GetProperty("headers").GetProperty("content-length")[0].GetString());
        Assert.Equal("hello world", buffered.GetProperty("body").GetString());
    }

    private static async Task<JsonElement> EchoOfChunkedPostAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo")
        {
            Content = new StreamContent(new NoLengthStream("hello world"u8.ToArray())),
        };
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.BodyAsync()).RootElement.Clone();
    }

    [Fact]
    public async Task Each_piece_of_a_streamed_response_reaches_the_client_while_the_upstream_still_writes()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());
        var gate = upstream.File("more");

        using var response = await watchdog.Client.GetAsync($"/stream?chunks=3&gate={gate}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var reader = new StreamReader(body);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("chunk 0", await reader.ReadLineAsync().WaitAsync(Limits.Quick)); // before the upstream may go on
        File.WriteAllText(gate, "");
        Assert.Equal("chunk 1\nchunk 2\n", await reader.ReadToEndAsync().WaitAsync(Limits.Quick));
    }

    [Fact]
    public async Task Serializing_mode_is_the_classic_fork_per_request()
    {
        await using var watchdog = await StartAsync("cat", ("mode", "serializing"));

        using var response = await watchdog.Client.PostBodyAsync("forked");

        Assert.Equal("forked", await response.BodyAsync());
        await watchdog.WaitForLineAsync("Forking fprocess.", Limits.Quick);
    }

    /// <summary>A request body HttpClient cannot know the length of, so it is sent chunked.</summary>
    private sealed class NoLengthStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
