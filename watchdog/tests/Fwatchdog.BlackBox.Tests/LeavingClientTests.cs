using System.Net.Sockets;
using System.Text;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// A client that leaves in the middle of its upload is one call cut off by its client, logged once
/// as such — never also a "malformed request" (Kestrel goes on to parse the abandoned body's
/// buffered bytes as a next request), in the fork modes and in mode=http.
/// </summary>
public sealed class LeavingClientTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const string Malformed = "Rejected a malformed request";

    [Theory]
    [InlineData("cat", false)]
    [InlineData("sleep 5", false)]
    [InlineData("cat", true)]
    [InlineData("sleep 5", true)]
    public async Task A_client_leaving_mid_upload_is_logged_as_gone_and_not_as_a_malformed_request(string fprocess, bool reset)
    {
        await using var watchdog = await StartAsync(fprocess);

        await AbandonUploadAsync(watchdog.Port, "/", reset, () => watchdog.Output.WaitForLineAsync("Forking fprocess.", Limits.Quick));

        await watchdog.Output.WaitForLineAsync("Client went away after", Limits.Quick);
        await AssertNoMalformedReportAsync(watchdog);
        Assert.Equal(0, watchdog.Output.Count(line => line.Contains("Reading the request body failed", StringComparison.Ordinal)
            || line.Contains("Bad request body", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Mode_http_a_client_leaving_mid_upload_is_logged_as_gone_and_not_as_a_malformed_request()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());

        await AbandonUploadAsync(watchdog.Port, "/count", reset: false, started: null);

        await watchdog.WaitForLineAsync("Client disconnected", Limits.Quick);
        await AssertNoMalformedReportAsync(watchdog);
    }

    /// <summary>
    /// Sends the head and a few KiB of a 1 MB body, then closes: a FIN (nothing was left unread), or
    /// a reset — only once <paramref name="started"/> says the call began, as a reset can discard
    /// what the watchdog had not read yet, the head included.
    /// </summary>
    private static async Task AbandonUploadAsync(int port, string path, bool reset, Func<Task>? started)
    {
        using var socket = await RawHttp.ConnectAsync(port);
        if (reset)
            socket.LingerState = new LingerOption(true, 0);
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000000\r\n\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head + new string('l', 4096)), SocketFlags.None);
        if (started is not null)
            await started();
    }

    /// <summary>
    /// Kestrel parses what the client left right after the call returns; a malformed request sent
    /// afterwards on a new connection is logged after it, so its line is the signal that any
    /// report of the abandoned bytes would have come already.
    /// </summary>
    private static async Task AssertNoMalformedReportAsync(WatchdogProcess watchdog)
    {
        var status = await RawHttp.SendAndReadStatusAsync(watchdog.Port,
            Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n"), Limits.Quick);
        Assert.Equal(400, status);
        var marker = await watchdog.Output.WaitForLineAsync(line => line.Contains("Invalid content length: -5", StringComparison.Ordinal), "the marker", Limits.Quick);
        Assert.Equal([marker.Text], watchdog.Output.Lines.Select(line => line.Text).Where(text => text.Contains(Malformed, StringComparison.Ordinal)));
    }
}
