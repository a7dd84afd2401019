using System.Text.RegularExpressions;
using Xunit;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>
/// The image recipes the release and local builds use: the released image takes each platform's
/// published binary, and every fwatchdog image carries the same version, revision and source labels.
/// </summary>
public sealed partial class ReleaseImageTests
{
    private static readonly string[] RequiredLabels =
        ["org.opencontainers.image.version", "org.opencontainers.image.revision", "org.opencontainers.image.source"];

    [Fact]
    public void Released_image_copies_the_binary_published_for_each_target_platform()
    {
        var dockerfile = RepositoryFiles.Read("docker/release.Dockerfile");

        Assert.Matches(@"(?m)^ARG TARGETARCH$", dockerfile); // a default would shadow the platform's value
        Assert.Matches(@"(?m)^COPY artifacts/linux-\$\{TARGETARCH\}/fwatchdog /fwatchdog$", dockerfile);
        Assert.Contains("-f \"$repo/docker/release.Dockerfile\"", RepositoryFiles.Read("scripts/release-image.sh"), StringComparison.Ordinal);
        Assert.Equal("(amd64 arm64)", ShellArray().Match(RepositoryFiles.Read("scripts/release-common.sh")).Groups[1].Value);
    }

    [Theory]
    [InlineData("docker/Dockerfile")]
    [InlineData("docker/release.Dockerfile")]
    public void Every_watchdog_image_is_labelled_with_version_revision_and_source(string dockerfile)
    {
        var labels = LabelKeys().Matches(RepositoryFiles.Read(dockerfile)).Select(m => m.Groups[1].Value).ToList();

        Assert.All(RequiredLabels, label => Assert.Contains(label, labels));
    }

    [Fact]
    public void Both_dockerfiles_set_the_same_labels_from_the_same_arguments()
    {
        string Labels(string dockerfile) => string.Join('\n', LabelKeys().Matches(RepositoryFiles.Read(dockerfile)).Select(m => m.Value.Trim()));

        Assert.Equal(Labels("docker/Dockerfile"), Labels("docker/release.Dockerfile"));
    }

    [GeneratedRegex(@"(org\.opencontainers\.image\.\w+)=\S+")]
    private static partial Regex LabelKeys();

    [GeneratedRegex(@"(?m)^release_architectures=(\(.*\))")]
    private static partial Regex ShellArray();
}
