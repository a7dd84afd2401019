using System.Text.RegularExpressions;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// mode=http's one line per call in the of-watchdog's exact words (executor/http_runner.go at
/// 9bdadb1), so log alerts and dashboards written for it keep matching:
/// <c>GET /query?x=1 - 200 OK - ContentLength: 1.008kB (0.0011s)</c> — the request URI with its
/// query, the upstream's status line, its Content-Length as go-units' HumanSize prints it (-1B when
/// chunked), seconds with four decimals; the ReverseProxy form for server-sent events.
/// </summary>
public sealed class HttpModeCallLineTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const string Timestamp = @"^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d ";
    private const string Seconds = @"\(\d+\.\d{4}s\)";
    private const string GeneratedCallId = " call_id=[0-9a-f-]{36}$";

    /// <summary>The call's line, whichever form it has: the test then says what differs.</summary>
    private static async Task<string> CallLineAsync(WatchdogProcess watchdog, string method, string path) =>
        (await watchdog.WaitForLineAsync(new Regex($@"\d\d:\d\d:\d\d {method} {Regex.Escape(path)}[ ?]"), Limits.Quick)).Text;

    private static void AssertLine(string pattern, string line) =>
        Assert.True(Regex.IsMatch(line, pattern),
            $"The call line was \"{line}\"; the of-watchdog writes one matching /{pattern}/ (Telemetry/RequestLog.cs Forwarded, Proxy/OfWatchdogCallLine.cs)");

    private static async Task GetAsync(WatchdogProcess watchdog, string path, params (string Name, string Value)[] headers)
    {
        using var cts = new CancellationTokenSource(Limits.Quick);
        using var request = Requests.Make(HttpMethod.Get, path, headers: headers);
        using var response = await watchdog.Client.SendAsync(request, cts.Token);
        await response.Content.ReadAsByteArrayAsync(cts.Token);
    }

    [Theory]
    [InlineData("/download?bytes=57&x=1&y=2", "57B")]
    [InlineData("/download?bytes=1008", "1.008kB")]
    [InlineData("/download?bytes=10125", "10.12kB")]
    [InlineData("/download?bytes=1234567", "1.235MB")]
    public async Task The_line_has_the_request_uri_the_status_line_and_the_upstreams_content_length_as_HumanSize(string path, string size)
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        await GetAsync(watchdog, path);

        AssertLine(Timestamp + Regex.Escape($"GET {path} - 200 OK - ContentLength: {size} ") + Seconds + GeneratedCallId,
            await CallLineAsync(watchdog, "GET", path[..path.IndexOf('?', StringComparison.Ordinal)]));
    }

    [Fact]
    public async Task A_chunked_answer_has_the_length_Go_gives_an_unknown_one()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        await GetAsync(watchdog, "/stream?chunks=3");

        AssertLine(Timestamp + Regex.Escape("GET /stream?chunks=3 - 200 OK - ContentLength: -1B ") + Seconds + GeneratedCallId,
            await CallLineAsync(watchdog, "GET", "/stream"));
    }

    [Fact]
    public async Task Server_sent_events_get_the_of_watchdogs_reverse_proxy_line_with_the_bytes_relayed()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        await GetAsync(watchdog, "/stream?chunks=2", ("Accept", "text/event-stream"));

        // Two chunks "chunk 0\n", "chunk 1\n": 16 bytes; this form has the code alone and no reason phrase.
        AssertLine(Timestamp + Regex.Escape("GET /stream?chunks=2 - 200 - Bytes: 16B ") + Seconds + GeneratedCallId,
            await CallLineAsync(watchdog, "GET", "/stream"));
    }

    [Fact]
    public async Task Log_callid_ends_the_line_with_the_call_id_in_brackets_and_a_204_has_no_length()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options(("log_callid", "true")));

        await GetAsync(watchdog, "/status/204", ("X-Call-Id", "call-42"));

        AssertLine(Timestamp + Regex.Escape("GET /status/204 - 204 No Content - ContentLength: 0B ") + Seconds + Regex.Escape(" [call-42]") + "$",
            await CallLineAsync(watchdog, "GET", "/status/204"));
    }
}
