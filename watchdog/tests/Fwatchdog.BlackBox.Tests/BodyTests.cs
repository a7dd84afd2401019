using System.Net;
using System.Security.Cryptography;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>Large bodies in both directions: byte-exact, no deadlock, spill past max_buffer_bytes.</summary>
[Collection(BulkTransferCollection.Name)]
public sealed class BodyTests
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
        await using var watchdog = await WatchdogProcess.StartAsync("cat");
        var payload = PatternStream.Bytes(8 * MiB);

        var echoed = await RoundTripAsync(watchdog, payload);

        Assert.Equal(payload.Length, echoed.Length);
        Assert.True(payload.AsSpan().SequenceEqual(echoed), "Echoed bytes differ from the request body");
    }

    [Fact]
    public async Task Output_larger_than_max_buffer_bytes_spills_and_arrives_intact()
    {
        await using var watchdog = await WatchdogProcess.StartAsync("cat", ("max_buffer_bytes", MiB.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var payload = PatternStream.Bytes(20 * MiB, seed: 7);

        var echoed = await RoundTripAsync(watchdog, payload);

        Assert.Equal(payload.Length, echoed.Length);
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(echoed));
    }

    [Fact]
    public async Task Function_that_ignores_stdin_still_answers_a_large_body()
    {
        // The function exits without reading; the watchdog must not block writing the rest of stdin.
        await using var watchdog = await WatchdogProcess.StartAsync("echo ok");

        var answer = await RoundTripAsync(watchdog, PatternStream.Bytes(16 * MiB));

        Assert.Equal("ok\n", System.Text.Encoding.UTF8.GetString(answer));
    }
}
