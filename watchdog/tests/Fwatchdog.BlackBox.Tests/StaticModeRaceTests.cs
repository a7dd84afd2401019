using System.Net;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=static against a tree that changes under it, and clients that leave early.</summary>
public sealed class StaticModeRaceTests(ITestOutputHelper output) : WatchdogTest(output), IDisposable
{
    private const string Secret = "OUTSIDE-SECRET";

    private readonly TempDirectory _root = new("static-race-root");
    private readonly TempDirectory _outside = new("static-race-outside");

    private async Task<WatchdogProcess> StartStaticAsync()
    {
        var options = new WatchdogLaunch();
        options.Environment["mode"] = "static";
        options.Environment["static_path"] = _root.Path;
        return await StartAsync(options);
    }

    [Fact]
    public async Task A_directory_swapped_for_a_link_to_outside_while_gets_run_never_serves_an_outside_byte()
    {
        var inside = _root.File("dir");
        Directory.CreateDirectory(inside);
        File.WriteAllText(Path.Combine(inside, "f"), "inside");
        var outside = _outside.File("dir");
        Directory.CreateDirectory(outside);
        File.WriteAllText(Path.Combine(outside, "f"), Secret);
        await using var watchdog = await StartStaticAsync();

        using var swapping = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        var swaps = 0;
        var swapper = Task.Run(() =>
        {
            // Bounded in count and time: the directory and a link to outside take turns at one name.
            var aside = _root.File("dir.aside");
            for (; swaps < 200_000 && !swapping.IsCancellationRequested; swaps++)
            {
                Directory.Move(inside, aside);
                Directory.CreateSymbolicLink(inside, outside);
                Directory.Delete(inside);
                Directory.Move(aside, inside);
            }
        });
        var leaked = 0;
        var served = 0;
        var failed = 0;
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!swapper.IsCompleted)
            {
                using var response = await watchdog.Client.GetAsync("/dir/f", Limits.Quick);
                var body = await response.Content.ReadAsStringAsync();
                if (body.Contains(Secret, StringComparison.Ordinal))
                    Interlocked.Increment(ref leaked);
                if (response.StatusCode == HttpStatusCode.OK)
                    Interlocked.Increment(ref served);
                else if (response.StatusCode != HttpStatusCode.NotFound)
                    Interlocked.Increment(ref failed);
            }
        })).ToArray();
        await swapper;
        await Task.WhenAll(readers);

        Output.WriteLine($"{swaps} swaps, {served} served, {leaked} outside, {failed} neither 200 nor 404");
        Assert.True(served > 0, "no GET was served while the tree changed; the test proved nothing");
        Assert.Equal(0, leaked);
        Assert.Equal(0, failed);
        Assert.Equal(0, watchdog.Output.Count(line => line.Contains("Unexpected error", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_client_that_leaves_after_a_quarter_mebibyte_stops_the_file_being_read()
    {
        using (var file = File.Create(_root.File("big.bin")))
            file.SetLength(64L << 20);
        await using var watchdog = await StartStaticAsync();
        var before = ReadBytes(watchdog.Pid);

        const int downloads = 20;
        for (var i = 0; i < downloads; i++)
        {
            using var socket = await RawHttp.ConnectAsync(watchdog.Port);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"), System.Net.Sockets.SocketFlags.None);
            var buffer = new byte[65536];
            var received = 0;
            using var limit = new CancellationTokenSource(Limits.Quick);
            while (received < 256 * 1024)
                received += await socket.ReceiveAsync(buffer, System.Net.Sockets.SocketFlags.None, limit.Token);
        } // each closed after 256 KiB
        // Until the watchdog has seen every close, it may still be reading: wait for its reads to settle.
        // No event says "stopped reading", so quiet is measured: the count unchanged over 200 ms.
        var settled = await Eventually.TrueWithinAsync(async () =>
        {
            var first = ReadBytes(watchdog.Pid);
            await Task.Delay(200);
            return ReadBytes(watchdog.Pid) == first;
        }, Limits.Quick);

        var read = ReadBytes(watchdog.Pid) - before;
        Output.WriteLine($"{read / (1 << 20)} MiB read for {downloads} downloads of 256 KiB");
        Assert.True(settled, "the watchdog kept reading the file after every client had left");
        // Socket buffers let a download run some MiB ahead of its client; reading every file whole would be 1,280 MiB.
        Assert.True(read < downloads * (16L << 20), $"{read} bytes read for {downloads} clients that each took 256 KiB");
    }

    /// <summary>rchar of /proc/PID/io: every byte the process read with read-like calls.</summary>
    private static long ReadBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/io"))
        {
            if (line.StartsWith("rchar:", StringComparison.Ordinal))
                return long.Parse(line["rchar:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"/proc/{pid}/io has no rchar line");
    }

    public void Dispose()
    {
        _root.Dispose();
        _outside.Dispose();
    }
}
