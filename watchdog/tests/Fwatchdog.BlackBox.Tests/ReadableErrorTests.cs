using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Every error a user can cause reads as a sentence: no framework resource keys
/// ("IO_PathNotFound_Path, /tmp/.lock") in the log, in a response or on exit, and a TMPDIR that
/// cannot take the lock file is named with what to do, in one sentence.
/// </summary>
public sealed class ReadableErrorTests(ITestOutputHelper output) : WatchdogTest(output)
{
    // IO_PathNotFound_Path, BadRequest_BadChunkSizeData, Arg_InvalidOperation…; net_http_… in System.Net.
    private static readonly Regex ResourceKey = new(@"\b[A-Za-z]+_[A-Z][a-z]+[A-Z][A-Za-z]*|\bnet_[a-z]+_[a-z_]+");

    [Fact]
    public async Task A_missing_TMPDIR_stops_start_up_with_one_sentence_that_says_what_to_do()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"fwatchdog-missing-{Guid.NewGuid():N}");
        await using var watchdog = await RunToExitAsync(Exiting("cat", ("TMPDIR", missing)), Limits.Exit);

        Assert.Equal(1, watchdog.ExitCode);
        AssertSentence(watchdog, $"Cannot write {missing}/.lock: TMPDIR {missing} does not exist; create it or point TMPDIR at a writable directory, " +
            "or set suppress_lock=true to run without a lock file.");
    }

    [Fact]
    public async Task A_TMPDIR_that_is_a_file_is_named_as_such()
    {
        using var directory = new TempDirectory("tmpdir-file");
        var file = Path.Combine(directory.Path, "not-a-directory");
        await File.WriteAllTextAsync(file, "");
        await using var watchdog = await RunToExitAsync(Exiting("cat", ("TMPDIR", file)), Limits.Exit);

        Assert.Equal(1, watchdog.ExitCode);
        AssertSentence(watchdog, $"Cannot write {file}/.lock: TMPDIR {file} is a file, not a directory; point TMPDIR at a writable directory, " +
            "or set suppress_lock=true to run without a lock file.");
    }

    [Fact]
    public async Task A_read_only_TMPDIR_stops_start_up_with_one_sentence_that_says_what_to_do()
    {
        // A read-only bind mount in a private mount namespace (root, as the PID-1 tests): the real
        // EROFS a container with readOnlyRootFilesystem and no emptyDir gives.
        using var directory = new TempDirectory("tmpdir-ro");
        var (exitCode, output) = await ToolProcess.RunAsync("unshare",
            ["-m", "sh", "-c", "mount --bind -o ro \"$TMPDIR\" \"$TMPDIR\" && exec \"$FWATCHDOG\""], Limits.Exit,
            environment: new Dictionary<string, string>
            {
                ["FWATCHDOG"] = WatchdogBinary.Path, ["TMPDIR"] = directory.Path, ["fprocess"] = "cat",
                ["port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
                ["metrics_port"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            });
        Output.WriteLine(output);

        Assert.Equal(1, exitCode);
        Assert.Contains($"Cannot write {directory.Path}/.lock: TMPDIR {directory.Path} is on a read-only file system; " +
            "mount a writable volume there (e.g. an emptyDir) or point TMPDIR at a writable directory, " +
            "or set suppress_lock=true to run without a lock file.", output);
        Assert.DoesNotMatch(ResourceKey, output);
    }

    [Fact]
    public async Task Without_a_lock_file_a_missing_TMPDIR_is_a_warning_and_an_output_over_the_memory_cap_a_readable_500()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"fwatchdog-missing-{Guid.NewGuid():N}");
        await using var watchdog = await StartAsync("cat", ("TMPDIR", missing), ("suppress_lock", "true"), ("max_buffer_bytes", "16"));

        await watchdog.WaitForLineAsync($"TMPDIR {missing} does not exist; outputs larger than max_buffer_bytes (16 bytes) are held in memory " +
            "up to 67108864 bytes, and larger ones fail with 500; to serve them, create it or point TMPDIR at a writable directory.", Limits.Quick);
        using (var small = await watchdog.Client.PostBodyAsync("fits"))
            Assert.Equal("fits", await small.BodyAsync());
        using (var overBuffer = await watchdog.Client.PostBodyAsync("more than sixteen bytes of output"))
            Assert.Equal("more than sixteen bytes of output", await overBuffer.BodyAsync());

        using var tooLarge = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent(new byte[64 * 1024 * 1024 + 1]) };
        using var large = await watchdog.Client.SendAsync(tooLarge);

        Assert.Equal(HttpStatusCode.InternalServerError, large.StatusCode);
        Assert.Equal("Could not buffer the function's output.\n", await large.BodyAsync());
        await watchdog.WaitForLineAsync($"Could not hold the function's output: TMPDIR {missing} does not exist; create it or point TMPDIR at a writable directory, or raise max_buffer_bytes.", Limits.Quick);
        Assert.DoesNotMatch(ResourceKey, watchdog.Output.Dump());
    }

    [Fact]
    public async Task A_broken_chunked_body_is_answered_in_words()
    {
        await using var watchdog = await StartAsync("cat");
        using var socket = await RawHttp.ConnectAsync(watchdog.Port);
        await socket.SendAsync(Encoding.ASCII.GetBytes(
            "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\nzz\r\n"), SocketFlags.None);

        var response = await ReadToEndAsync(socket);

        Assert.StartsWith("HTTP/1.1 400", response);
        Assert.DoesNotMatch(ResourceKey, response);
        await watchdog.WaitForLineAsync("Bad request body", Limits.Quick);
        Assert.DoesNotMatch(ResourceKey, watchdog.Output.Dump());
    }

    private static WatchdogOptions Exiting(string fprocess, params (string Name, string Value)[] variables)
    {
        var options = WatchdogOptions.For(fprocess, variables);
        return new WatchdogOptions { Environment = options.Environment, WaitForReady = false };
    }

    private static void AssertSentence(WatchdogProcess watchdog, string sentence)
    {
        var log = watchdog.Output.Dump();
        Assert.True(watchdog.Output.Contains(sentence), $"Expected \"{sentence}\" in:\n{log}");
        Assert.DoesNotMatch(ResourceKey, log);
    }

    private static async Task<string> ReadToEndAsync(Socket socket)
    {
        using var cts = new CancellationTokenSource(Limits.Quick);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        int n;
        while ((n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token)) > 0)
            received.Append(Encoding.ASCII.GetString(buffer, 0, n));
        return received.ToString();
    }
}
