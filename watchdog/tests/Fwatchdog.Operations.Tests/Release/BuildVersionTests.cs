using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>
/// The published binary (./build.sh --target=Publish, before these tests) reports the version
/// scripts/version.sh gives for this checkout and the commit it was built from: the tag is the one
/// version source.
/// </summary>
public sealed class BuildVersionTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Published_binary_reports_the_version_and_commit_of_this_checkout()
    {
        var (_, version) = await ToolProcess.RunAsync(RepositoryFiles.PathOf("scripts/version.sh"), [], Timeout);
        var commit = await Git.RunAsync(RepositoryFiles.Root, null, "rev-parse", "HEAD");

        var (exitCode, reported) = await ToolProcess.RunAsync(WatchdogBinary.Path, ["--version"], Timeout);

        Assert.Equal(0, exitCode);
        Assert.True($"Version: {version.Trim()}\tSHA: {commit.Trim()}\n" == reported,
            $"{WatchdogBinary.Path} reports \"{reported.TrimEnd()}\"; this checkout is {version.Trim()} at {commit.Trim()}. " +
            "Publish again (./build.sh --target=Publish) after committing.");
    }
}
