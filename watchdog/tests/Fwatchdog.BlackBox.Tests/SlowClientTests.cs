using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// read_timeout bounds reading the request body and write_timeout writing the response: a client
/// that stalls either way is cut off instead of holding a connection (and a function) forever.
/// </summary>
public sealed class SlowClientTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task A_stalled_body_closes_the_connection_after_read_timeout_and_kills_the_function()
    {
        using var pids = new PidFile();
        await using var watchdog = await StartAsync($"sh -c 'echo $$ >> {pids.Path}; cat; sleep 3000'", ("read_timeout", "1s"));
        using var socket = await RawHttp.ConnectAsync(watchdog.Port);

        // Promise 100 bytes, send 10, then stall. The clock starts before the send: the watchdog's
        // read deadline cannot start earlier, however late the function's PID is seen.
        var stalled = Stopwatch.StartNew();
        await socket.SendAsync(Encoding.ASCII.GetBytes("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n0123456789"), SocketFlags.None);
        var function = Assert.Single(await pids.WaitForAsync(1, Limits.Quick));

        var closed = await RawHttp.WaitForCloseAsync(socket, Limits.Exit);
        Assert.True(closed, "the watchdog kept a stalled connection open");
        Assert.InRange(stalled.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
        Assert.True(await Eventually.TrueWithinAsync(() => !ProcFs.IsRunning(function), TimeSpan.FromSeconds(2)),
            $"function {function} still running after the read timeout");
        await watchdog.Output.WaitForLineAsync("read_timeout (1s)", Limits.Quick);
    }

    [Fact]
    public async Task A_client_that_stops_reading_is_cut_off_after_write_timeout()
    {
        // 64 MiB is far more than the kernel's socket buffers hold for a client that reads nothing.
        await using var watchdog = await StartAsync("head -c 67108864 /dev/zero", ("write_timeout", "1s"));
        using var socket = await RawHttp.ConnectAsync(watchdog.Port);
        socket.ReceiveBufferSize = 64 * 1024;

        await socket.SendAsync(RawHttp.Post("/", ""), SocketFlags.None);

        await watchdog.Output.WaitForLineAsync("longer than write_timeout (1s)", Limits.Quick);
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_read_timeout()
    {
        await using var watchdog = await StartAsync("cat", ("read_timeout", "1s"));
        using var socket = await RawHttp.ConnectAsync(watchdog.Port);
        var silent = Stopwatch.StartNew();

        Assert.True(await RawHttp.WaitForCloseAsync(socket, Limits.Quick), "the watchdog kept a silent connection open");
        // Kestrel checks its timeouts once a second.
        Assert.InRange(silent.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task A_kept_alive_connection_waits_read_timeout_for_the_next_request()
    {
        await using var watchdog = await StartAsync("cat", ("read_timeout", "1s"));
        using var socket = await RawHttp.ConnectAsync(watchdog.Port);
        await socket.SendAsync(RawHttp.Post("/", "hello"), SocketFlags.None);
        var buffer = new byte[4096];
        var response = new StringBuilder();
        using (var cts = new CancellationTokenSource(Limits.Quick))
        {
            while (!response.ToString().EndsWith("hello", StringComparison.Ordinal))
                response.Append(Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)));
        }
        Assert.StartsWith("HTTP/1.1 200", response.ToString(), StringComparison.Ordinal);
        var idle = Stopwatch.StartNew();

        Assert.True(await RawHttp.WaitForCloseAsync(socket, Limits.Quick), "the watchdog kept an idle keep-alive connection open");
        Assert.InRange(idle.Elapsed, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(4));
    }
}
