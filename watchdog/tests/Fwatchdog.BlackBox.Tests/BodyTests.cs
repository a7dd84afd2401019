using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>Large bodies in both directions: byte-exact, no deadlock, spill past max_buffer_bytes.</summary>
[Collection(BulkTransferCollection.Name)]
public sealed class BodyTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const int MiB = 1024 * 1024;

    private static async Task<byte[]> RoundTripAsync(WatchdogProcess watchdog, byte[] payload)
    {
        using var cts = new CancellationTokenSource(Limits.Bulk);
        using var content = new ByteArrayContent(payload);
        using var response = await watchdog.Client.PostAsync("/", content, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(cts.Token);
    }

    [Fact]
    public async Task Eight_MiB_round_trip_through_cat_is_byte_exact()
    {
        await using var watchdog = await StartAsync("cat");
        var payload = PatternStream.Bytes(8 * MiB);

        var echoed = await RoundTripAsync(watchdog, payload);

        Assert.Equal(payload.Length, echoed.Length);
        Assert.True(payload.AsSpan().SequenceEqual(echoed), "Echoed bytes differ from the request body");
    }

    [Fact]
    public async Task Output_larger_than_max_buffer_bytes_spills_and_arrives_intact()
    {
        await using var watchdog = await StartAsync("cat", ("max_buffer_bytes", MiB.ToString(CultureInfo.InvariantCulture)));
        var payload = PatternStream.Bytes(20 * MiB, seed: 7);

        var echoed = await RoundTripAsync(watchdog, payload);

        Assert.Equal(payload.Length, echoed.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
    }

    [Fact]
    public async Task Spilled_output_is_not_held_in_memory()
    {
        // 96 MiB of output against a 1 MiB in-memory limit: held in memory it would show in the
        // watchdog's resident set; spilled to disk, the peak stays near the idle footprint.
        const long outputBytes = 96L * MiB;
        const long rssBound = 64L * MiB;
        await using var watchdog = await StartAsync($"head -c {outputBytes} /dev/zero",
            ("max_buffer_bytes", MiB.ToString(CultureInfo.InvariantCulture)));
        await using var sampler = new MemorySampler(watchdog.Pid);

        using var cts = new CancellationTokenSource(Limits.Bulk);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new ByteArrayContent([]) };
        using var response = await watchdog.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        long received = 0;
        var buffer = new byte[128 * 1024];
        for (int n; (n = await body.ReadAsync(buffer, cts.Token)) > 0;)
            received += n;

        Assert.Equal(outputBytes, received);
        var peak = Math.Max(sampler.PeakRssBytes, sampler.MaxRssBytes);
        Assert.True(peak < rssBound, $"Watchdog peak RSS {peak / MiB} MiB while relaying {outputBytes / MiB} MiB of output");
    }

    [Fact]
    public async Task Function_that_ignores_stdin_still_answers_a_large_body()
    {
        // The function exits without reading; the watchdog must not block writing the rest of stdin.
        // It answers while the upload is still under way and may then stop taking the body (Go's
        // server does too), so the client reads as it sends: a send-then-read client (HttpClient)
        // reports that as a broken pipe although the answer had arrived.
        await using var watchdog = await StartAsync("echo ok");
        using var socket = await RawHttp.ConnectAsync(watchdog.Port);
        using var cts = new CancellationTokenSource(Limits.Bulk);
        var head = Encoding.ASCII.GetBytes($"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {16 * MiB}\r\n\r\n");

        var upload = SendUntilClosedAsync(socket, [head, PatternStream.Bytes(16 * MiB)], cts.Token);
        var answer = await ReadAnswerAsync(socket, cts.Token);
        await upload;

        Assert.StartsWith("HTTP/1.1 200 OK\r\n", answer, StringComparison.Ordinal);
        Assert.EndsWith("\r\n\r\nok\n", answer, StringComparison.Ordinal);
    }

    /// <summary>Sends every part; a connection the server closed after answering ends the sending quietly.</summary>
    private static async Task SendUntilClosedAsync(Socket socket, byte[][] parts, CancellationToken cancellation)
    {
        try
        {
            foreach (var part in parts)
                await socket.SendAsync(part, SocketFlags.None, cancellation);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
        {
            // Deliberately ignored: the server answered and closed; the answer is what the test checks.
        }
    }

    /// <summary>One answer with a Content-Length, head and body, as Latin-1 text.</summary>
    private static async Task<string> ReadAnswerAsync(Socket socket, CancellationToken cancellation)
    {
        var received = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var text = Encoding.Latin1.GetString(received.ToArray());
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (headEnd >= 0)
            {
                var length = text[..headEnd].Split("\r\n").Select(line => line.Split(':', 2))
                    .Where(field => field.Length == 2 && field[0].Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    .Select(field => int.Parse(field[1].Trim(), CultureInfo.InvariantCulture)).Single();
                if (received.Count >= headEnd + 4 + length)
                    return text;
            }
            var n = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellation);
            if (n == 0)
                throw new InvalidDataException($"The connection closed before the whole answer: {text}");
            received.AddRange(buffer.AsSpan(0, n));
        }
    }
}
