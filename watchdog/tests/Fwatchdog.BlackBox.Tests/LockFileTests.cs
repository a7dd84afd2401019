using System.Net;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>The lock file in TMPDIR that the container HEALTHCHECK looks for.</summary>
public sealed class LockFileTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Fact]
    public async Task Lock_file_is_written_to_TMPDIR_and_logged()
    {
        await using var watchdog = await StartAsync("cat");

        await watchdog.WaitForLineAsync($"Writing lock-file to: {watchdog.LockFilePath}", Limits.Quick);
        Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(watchdog.LockFilePath), Limits.Quick),
            $"No lock file at {watchdog.LockFilePath}");
    }

    [Fact]
    public async Task Suppress_lock_writes_no_lock_file()
    {
        await using var watchdog = await StartAsync("cat", ("suppress_lock", "true"));

        // A served request after readiness means start-up, lock writing included, is over.
        using (var response = await watchdog.Client.PostBodyAsync("x"))
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Assert.False(File.Exists(watchdog.LockFilePath));
        Assert.False(watchdog.Output.Contains("Writing lock-file"));
    }
}
