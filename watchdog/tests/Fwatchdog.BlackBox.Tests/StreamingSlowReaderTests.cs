using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// mode=streaming after the function's exit: output still on its way to a slow client (a phone on a
/// poor link) is relayed to the end, within write_timeout. Only a pipe that stays silent while an
/// escaped descendant holds it open is cut after kill_grace.
/// </summary>
public sealed class StreamingSlowReaderTests(ITestOutputHelper output) : WatchdogTest(output)
{
    // More than the socket's buffers hold for one connection, so the relay is blocked on the client.
    private const int OutputBytes = 6 * 1024 * 1024;

    /// <param name="pauseMilliseconds">Five kill graces; and longer than Kestrel's own minimum-rate grace (5 s), which write_timeout replaces.</param>
    [Theory]
    [InlineData(1000)]
    [InlineData(7000)]
    public async Task A_client_reading_slowly_after_the_exit_gets_every_byte_and_the_last_chunk(int pauseMilliseconds)
    {
        using var dir = new TempDirectory("slow-reader");
        var exited = dir.File("exited");
        await using var watchdog = await StartAsync(BigOutputFunction(dir, exited), ("mode", "streaming"), ("kill_grace", "200ms"));
        using var socket = await ConnectSmallWindowAsync(watchdog.Port);

        using var cts = new CancellationTokenSource(Limits.Bulk);
        var response = new ChunkedResponse();
        var buffer = new byte[8192];
        var paused = false;
        while (!response.Ended)
        {
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            if (n == 0)
                break;
            response.Append(buffer.AsSpan(0, n));
            if (paused)
                continue;
            if (!File.Exists(exited))
            {
                // Slower than the function writes, so the socket's buffers stay full.
                await Task.Delay(1, cts.Token);
                continue;
            }
            // The function has written everything and is gone; the client stops reading, as a
            // stalled mobile link does, then goes on.
            paused = true;
            Output.WriteLine($"Exit seen after {response.BodyBytes} bytes.");
            await Task.Delay(pauseMilliseconds, cts.Token);
        }

        Assert.True(paused, "The function's exit was never seen while the body was still arriving.");
        Assert.True(response.Ended, $"The body ended after {response.BodyBytes} of {OutputBytes} bytes without its last chunk.");
        Assert.Equal(OutputBytes, response.BodyBytes);
        await watchdog.Output.WaitForLineAsync($"Wrote {OutputBytes} Bytes", Limits.Quick);
    }

    [Fact]
    public async Task A_client_that_stops_reading_after_the_exit_is_cut_off_after_write_timeout()
    {
        using var dir = new TempDirectory("stopped-reader");
        var exited = dir.File("exited");
        await using var watchdog = await StartAsync(BigOutputFunction(dir, exited),
            // Long enough for the slow reading before the exit on a loaded machine: the cut must come after it.
            ("mode", "streaming"), ("kill_grace", "200ms"), ("write_timeout", "10s"));
        using var socket = await ConnectSmallWindowAsync(watchdog.Port);

        using var cts = new CancellationTokenSource(Limits.Quick);
        var buffer = new byte[8192];
        while (!File.Exists(exited))
        {
            Assert.True(await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0, "The body ended before the function's exit.");
            await Task.Delay(1, cts.Token);
        }
        // Reads nothing more: the relay must not outlive write_timeout.

        var cut = await watchdog.Output.WaitForLineAsync("Streaming response ended abnormally", Limits.Quick);
        Assert.Contains("write_timeout reached", cut.Text, StringComparison.Ordinal);
        using var health = await watchdog.Client.GetAsync("/_/health", Limits.Quick);
        Assert.Equal(System.Net.HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task A_silent_pipe_held_by_an_escaped_descendant_is_cut_after_kill_grace()
    {
        // The background sleep leaves the function's process group (so the group's signals miss it)
        // and keeps stdout open, writing nothing; the function exits once it has left.
        using var pids = new PidFile();
        await using var watchdog = await StartAsync(
            $"sh -c 'setsid sh -c \"echo \\$$ > {pids.Path}; exec sleep 30\" & while [ ! -s {pids.Path} ]; do sleep 0.01; done; echo done'",
            ("mode", "streaming"), ("kill_grace", "200ms"));

        using var cts = new CancellationTokenSource(Limits.Quick);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var response = await watchdog.Client.PostAsync("/", new StringContent(""), cts.Token);
        Assert.Equal("done\n", await response.Content.ReadAsStringAsync(cts.Token));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(10), $"The call took {started.Elapsed.TotalSeconds:0.0} s.");
        var escaped = Assert.Single(pids.Read());
        Assert.True(ProcFs.IsRunning(escaped), "The descendant did not outlive the call, so nothing held the pipe.");
        Signals.Send(escaped, 9);
    }

    /// <summary>
    /// Writes <see cref="OutputBytes"/> into a stdout pipe grown to 1 MiB, so up to that much is still
    /// on its way when it exits (a function in any language may do this; the default 64 KiB only
    /// narrows the window), then creates <paramref name="exited"/>.
    /// </summary>
    private static string BigOutputFunction(TempDirectory dir, string exited)
    {
        var script = dir.File("function.py");
        File.WriteAllText(script, $$"""
            import fcntl, os
            F_SETPIPE_SZ = 1031
            fcntl.fcntl(1, F_SETPIPE_SZ, 1 << 20)
            block = bytes(65536)
            for _ in range({{OutputBytes / 65536}}):
                os.write(1, block)
            open("{{exited}}", "w").close()
            """);
        return "python3 " + script;
    }

    /// <summary>A POST / from a client whose receive window stays at 8 KiB (set before connecting).</summary>
    private static async Task<Socket> ConnectSmallWindowAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 8192 };
        await socket.ConnectAsync(System.Net.IPAddress.Loopback, port);
        await socket.SendAsync(RawHttp.Post("/", ""), SocketFlags.None);
        return socket;
    }

    /// <summary>An HTTP/1.1 response with a chunked body, decoded as it arrives.</summary>
    private sealed class ChunkedResponse
    {
        private readonly List<byte> _pending = [];
        private bool _headersRead;
        private long _chunkLeft = -1; // -1: a chunk-size line is next

        public long BodyBytes { get; private set; }

        public bool Ended { get; private set; }

        public void Append(ReadOnlySpan<byte> data)
        {
            _pending.AddRange(data);
            while (!Ended && Step())
            {
            }
        }

        private bool Step()
        {
            var bytes = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_pending);
            if (!_headersRead)
            {
                var end = bytes.IndexOf("\r\n\r\n"u8);
                if (end < 0)
                    return false;
                var head = Encoding.ASCII.GetString(bytes[..end]);
                Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
                Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.OrdinalIgnoreCase);
                _pending.RemoveRange(0, end + 4);
                _headersRead = true;
                return true;
            }
            if (_chunkLeft < 0)
            {
                var end = bytes.IndexOf("\r\n"u8);
                if (end < 0)
                    return false;
                _chunkLeft = long.Parse(Encoding.ASCII.GetString(bytes[..end]), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                _pending.RemoveRange(0, end + 2);
                if (_chunkLeft == 0)
                    Ended = true; // the last chunk; no trailers were asked for
                return true;
            }
            if (bytes.Length < _chunkLeft + 2)
            {
                // Count what has arrived of this chunk, keep nothing of it.
                var taken = (int)Math.Min(bytes.Length, _chunkLeft);
                BodyBytes += taken;
                _chunkLeft -= taken;
                _pending.RemoveRange(0, taken);
                return false;
            }
            BodyBytes += _chunkLeft;
            Assert.True(bytes[(int)_chunkLeft] == '\r' && bytes[(int)_chunkLeft + 1] == '\n', "A chunk did not end with CRLF.");
            _pending.RemoveRange(0, (int)_chunkLeft + 2);
            _chunkLeft = -1;
            return true;
        }
    }
}
