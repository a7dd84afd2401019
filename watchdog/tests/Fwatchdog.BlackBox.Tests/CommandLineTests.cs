using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>The one-shot command-line modes: version and the container HEALTHCHECK probe.</summary>
public sealed class CommandLineTests(ITestOutputHelper output) : WatchdogTest(output)
{
    [Theory]
    [InlineData("--version")]
    [InlineData("-version")]
    public async Task Version_prints_version_and_sha_and_exits_0(string flag)
    {
        await using var watchdog = await RunToExitAsync(
            new WatchdogLaunch { Arguments = [flag], WaitForReady = false }, Limits.Exit);

        Assert.Equal(0, watchdog.ExitCode);
        Assert.Contains(watchdog.Output.StdoutLines, l => Regex.IsMatch(l, @"^Version: \S+\tSHA: \S+$"));
    }

    [Theory]
    [InlineData("--run-healthcheck")]
    [InlineData("-run-healthcheck")]
    public async Task Healthcheck_succeeds_when_a_serving_watchdog_wrote_its_lock_file(string flag)
    {
        await using var serving = await StartAsync("cat");
        Assert.True(await Eventually.TrueWithinAsync(() => File.Exists(serving.LockFilePath), Limits.Quick),
            $"No lock file at {serving.LockFilePath}");

        var probe = new WatchdogLaunch { Arguments = [flag], WaitForReady = false };
        probe.Environment["TMPDIR"] = serving.TempPath;
        await using var check = await RunToExitAsync(probe, Limits.Exit);

        Assert.Equal(0, check.ExitCode);
    }

    [Fact]
    public async Task Healthcheck_fails_without_a_lock_file()
    {
        // The harness gives every process its own empty TMPDIR, so there is no lock file to find.
        await using var check = await RunToExitAsync(
            new WatchdogLaunch { Arguments = ["--run-healthcheck"], WaitForReady = false }, Limits.Exit);

        Assert.Equal(1, check.ExitCode);
        Assert.Contains("unable to find lock file.", check.Output.StderrLines);
    }
}
