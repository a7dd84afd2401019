using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// Classic-mode output beyond max_buffer_bytes goes to $TMPDIR. A full TMPDIR fails only the calls
/// that found no room, cleanly; a read-only one does not fail them at all (memory, up to a cap).
/// </summary>
[Collection(BulkTransferCollection.Name)]
public sealed class SpillTests(ITestOutputHelper output) : WatchdogTest(output)
{
    private const int OutputBytes = 6 * 1024 * 1024;
    private static readonly string SixMebibytes = $"head -c {OutputBytes} /dev/zero";

    [Fact]
    public async Task A_full_tmpdir_fails_only_the_calls_without_room_cleanly_and_gives_the_space_back()
    {
        await using var tmpfs = await TmpfsMount.MountAsync("size=16m");
        await using var watchdog = await StartAsync(WatchdogOptions.For(SixMebibytes, ("TMPDIR", tmpfs.Path), ("suppress_lock", "true")));

        // Four 6 MiB outputs, 4 MiB of each in memory first, into 16 MiB: two fit.
        var calls = Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await watchdog.Client.PostAsync("/", null);
            return (response.StatusCode, Body: await response.Content.ReadAsByteArrayAsync());
        });
        var results = await Task.WhenAll(calls);

        foreach (var (status, body) in results)
        {
            if (status == HttpStatusCode.OK)
                Assert.Equal(OutputBytes, body.Length);
            else
            {
                Assert.Equal(HttpStatusCode.InternalServerError, status);
                Assert.Equal("Could not buffer the function's output.\n", System.Text.Encoding.UTF8.GetString(body));
            }
        }
        Assert.True(results.Count(r => r.StatusCode == HttpStatusCode.OK) >= 2,
            $"Only {results.Count(r => r.StatusCode == HttpStatusCode.OK)} of 4 calls succeeded; two outputs fit in the 16 MiB TMPDIR.");
        Assert.False(watchdog.Output.Contains("Unexpected"), watchdog.Output.Dump());
        Assert.True(await Eventually.TrueWithinAsync(() => tmpfs.UsedBytes == 0, Limits.Quick), $"{tmpfs.UsedBytes} bytes still used in TMPDIR");

        using var after = await watchdog.Client.PostAsync("/", null);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task A_read_only_tmpdir_serves_large_outputs_from_memory()
    {
        await using var tmpfs = await TmpfsMount.MountAsync("ro,size=1m");
        await using var watchdog = await StartAsync(WatchdogOptions.For(SixMebibytes, ("TMPDIR", tmpfs.Path), ("suppress_lock", "true")));
        await watchdog.WaitForLineAsync("are held in memory up to", Limits.Quick);

        using var response = await watchdog.Client.PostAsync("/", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(OutputBytes, (await response.Content.ReadAsByteArrayAsync()).Length);
    }
}
