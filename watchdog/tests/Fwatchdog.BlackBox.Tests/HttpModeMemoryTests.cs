using System.Net;
using Fwatchdog.BlackBox.Tests.Upstream;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>mode=http streams both ways: hundreds of MiB pass through with bounded memory.</summary>
[Collection(BulkTransferCollection.Name)]
public sealed class HttpModeMemoryTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const long Size = 256L * 1024 * 1024;
    private const long RssLimit = 64L * 1024 * 1024;

    [Fact]
    public async Task A_256_MiB_download_streams_through_in_bounded_memory()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());
        await using var memory = new MemorySampler(watchdog.Pid);

        using var response = await watchdog.Client.GetAsync($"/download?bytes={Size}", HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        var received = await Drain(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Size, received);
        Assert.True(memory.PeakRssBytes < RssLimit, $"Peak RSS {memory.PeakRssBytes / 1048576.0:0.0} MiB");
    }

    [Fact]
    public async Task A_256_MiB_upload_streams_through_in_bounded_memory()
    {
        using var upstream = new UpstreamServer();
        await using var watchdog = await StartAsync(upstream.Options());
        await using var memory = new MemorySampler(watchdog.Pid);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/count") { Content = new StreamContent(new PatternStream(Size)) };
        request.Content.Headers.ContentLength = Size;
        using var response = await watchdog.Client.SendAsync(request);

        Assert.Equal(Size.ToString(System.Globalization.CultureInfo.InvariantCulture), await response.BodyAsync());
        Assert.True(memory.PeakRssBytes < RssLimit, $"Peak RSS {memory.PeakRssBytes / 1048576.0:0.0} MiB");
    }

    private static async Task<long> Drain(Stream body)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
            total += read;
        return total;
    }
}
