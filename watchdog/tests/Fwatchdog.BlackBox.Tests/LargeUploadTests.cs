using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// 256 MiB streamed through <c>sha512sum</c>: the body must flow through the watchdog rather than
/// be buffered, which shows as a resident set far below the body size.
/// </summary>
[Collection(BulkTransferCollection.Name)]
public sealed class LargeUploadTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const long BodyBytes = 256L * 1024 * 1024;

    // Generous: the Native AOT watchdog idles well under 32 MiB, while buffering even a quarter
    // of the body would cross this.
    private const long RssBoundBytes = 64L * 1024 * 1024;

    [Theory]
    [InlineData("classic")]
    [InlineData("streaming")]
    public async Task Upload_of_256_MiB_is_hashed_correctly_with_bounded_memory(string mode)
    {
        await using var watchdog = await StartAsync("sha512sum", ("mode", mode));
        await using var sampler = new MemorySampler(watchdog.Pid);
        using var body = new PatternStream(BodyBytes, seed: 42);
        using var content = new StreamContent(body, 128 * 1024);
        content.Headers.ContentLength = BodyBytes;

        using var cts = new CancellationTokenSource(Limits.Bulk);
        using var response = await watchdog.Client.PostAsync("/", content, cts.Token);
        var answer = await response.Content.ReadAsStringAsync(cts.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{body.HashHex()}  -", answer.TrimEnd('\n'));
        var peak = Math.Max(sampler.PeakRssBytes, sampler.MaxRssBytes);
        Output.WriteLine($"mode={mode}: peak RSS {peak / (1024 * 1024)} MiB over {sampler.Samples} samples");
        Assert.True(peak < RssBoundBytes, $"Watchdog peak RSS {peak / (1024 * 1024)} MiB for a {BodyBytes / (1024 * 1024)} MiB upload");
    }
}
