using System.Net;
using System.Security.Cryptography;
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
        await using var watchdog = await StartAsync("cat", ("max_buffer_bytes", MiB.ToString(System.Globalization.CultureInfo.InvariantCulture)));
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
            ("max_buffer_bytes", MiB.ToString(System.Globalization.CultureInfo.InvariantCulture)));
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
        await using var watchdog = await StartAsync("echo ok");

        var answer = await RoundTripAsync(watchdog, PatternStream.Bytes(16 * MiB));

        Assert.Equal("ok\n", System.Text.Encoding.UTF8.GetString(answer));
    }
}
