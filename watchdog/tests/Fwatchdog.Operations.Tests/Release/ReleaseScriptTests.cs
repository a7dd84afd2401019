using Xunit;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>
/// The release scripts on scratch repositories with tags, templates and changelogs the tests
/// choose: the version comes from the tag, pinning finds every template wherever it is, and a tag
/// that cannot be released is refused with the reason.
/// </summary>
public sealed class ReleaseScriptTests
{
    private static readonly string Image = RepositoryFiles.ReleaseImage;

    [Fact]
    public async Task Version_is_the_tag_a_dev_pre_release_past_it_and_0_0_0_dev_without_one()
    {
        using var repository = await ScratchRepository.CreateAsync();
        await repository.CommitAsync();
        Assert.Equal("0.0.0-dev", await repository.RunOkAsync("version.sh"));

        await repository.TagAsync("v1.2.3");
        Assert.Equal("1.2.3", await repository.RunOkAsync("version.sh"));

        await repository.CommitAsync();
        await repository.CommitAsync();
        Assert.Equal("1.2.4-dev.2", await repository.RunOkAsync("version.sh"));

        await repository.TagAsync("v1.3.0-rc1"); // not a release tag: ignored
        Assert.Equal("1.2.4-dev.2", await repository.RunOkAsync("version.sh"));
    }

    [Fact]
    public async Task Pinning_rewrites_every_dockerfile_default_and_doc_mention_but_not_the_changelog()
    {
        using var repository = await ScratchRepository.CreateAsync();
        repository.Write("classic-templates/template/some-new-fwatchdog/Dockerfile",
            "ARG WATCHDOG_IMAGE=fwatchdog:dev\nFROM ${WATCHDOG_IMAGE} AS watchdog\n");
        repository.Write("template/other/Dockerfile", $"ARG WATCHDOG_IMAGE={Image}:latest\nFROM ${{WATCHDOG_IMAGE}} AS watchdog\n");
        repository.Write("README.md", $"```dockerfile\nFROM {Image}:0.1.0 AS watchdog\n```\n");
        repository.Write("CHANGELOG.md", $"## [0.1.0] - 2026-01-01\n\n- first image {Image}:0.1.0\n");
        await repository.CommitAsync();

        var (before, listed) = await repository.RunAsync("pin-version.sh", "--check", "9.8.7");
        Assert.Equal(1, before);
        Assert.Contains("classic-templates/template/some-new-fwatchdog/Dockerfile:1:", listed);
        Assert.Contains("template/other/Dockerfile:1:", listed);
        Assert.Contains("README.md:2:", listed);
        Assert.DoesNotContain("CHANGELOG.md", listed);

        await repository.RunOkAsync("pin-version.sh", "9.8.7");

        Assert.StartsWith($"ARG WATCHDOG_IMAGE={Image}:9.8.7\nFROM ${{WATCHDOG_IMAGE}}", repository.Read("classic-templates/template/some-new-fwatchdog/Dockerfile"));
        Assert.StartsWith($"ARG WATCHDOG_IMAGE={Image}:9.8.7\n", repository.Read("template/other/Dockerfile"));
        Assert.Contains($"FROM {Image}:9.8.7 AS watchdog", repository.Read("README.md"));
        Assert.Contains($"{Image}:0.1.0", repository.Read("CHANGELOG.md"));
        Assert.Equal(0, (await repository.RunAsync("pin-version.sh", "--check", "9.8.7")).ExitCode);
    }

    [Fact]
    public async Task Release_notes_are_the_changelog_section_and_an_undated_one_is_refused()
    {
        using var repository = await ScratchRepository.CreateAsync();
        repository.Write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n\n## [0.3.0]\n\n- not dated\n\n## [0.2.0] - 2026-02-03\n\n### Added\n\n- one thing\n\n## [0.1.0] - 2026-01-01\n\n- older\n");

        Assert.Equal("### Added\n\n- one thing", await repository.RunOkAsync("release-notes.sh", "0.2.0"));
        var (undated, why) = await repository.RunAsync("release-notes.sh", "0.3.0");
        Assert.Equal(1, undated);
        Assert.Contains("has no release date", why);
        var (missing, reason) = await repository.RunAsync("release-notes.sh", "0.4.0");
        Assert.Equal(1, missing);
        Assert.Contains("no section for 0.4.0", reason);
    }

    [Fact]
    public async Task A_release_tag_is_refused_until_it_is_on_a_commit_that_points_at_its_image()
    {
        using var repository = await ScratchRepository.CreateAsync();
        repository.Write("CHANGELOG.md", "## [Unreleased]\n\n## [0.5.0] - 2026-05-05\n\n- something\n");
        repository.Write("t/Dockerfile", $"ARG WATCHDOG_IMAGE={Image}:0.4.0\n");
        await repository.CommitAsync();
        await repository.TagAsync("v0.5.0");

        var (stale, staleWhy) = await repository.RunAsync("check-release.sh", "v0.5.0");
        Assert.Equal(1, stale);
        Assert.Contains("run scripts/pin-version.sh 0.5.0", staleWhy);

        await repository.RunOkAsync("pin-version.sh", "0.5.0");
        await repository.CommitAsync("pin");
        var (behind, behindWhy) = await repository.RunAsync("check-release.sh", "v0.5.0");
        Assert.Equal(1, behind);
        Assert.Contains("this checkout is version 0.5.1-dev.1, not 0.5.0", behindWhy);

        await repository.TagAsync("v0.5.0", move: true);
        Assert.Equal("check-release: v0.5.0 is ready to publish", await repository.RunOkAsync("check-release.sh", "v0.5.0"));
    }

    [Theory]
    [InlineData("0.5.0")]
    [InlineData("v0.5")]
    [InlineData("v0.5.0-rc1")]
    [InlineData("v05.0.0")]
    public async Task A_tag_that_is_not_vMAJOR_MINOR_PATCH_is_refused(string tag)
    {
        using var repository = await ScratchRepository.CreateAsync();
        await repository.CommitAsync();

        var (exitCode, output) = await repository.RunAsync("check-release.sh", tag);

        Assert.Equal(1, exitCode);
        Assert.Contains($"tag {tag} is not a release tag vMAJOR.MINOR.PATCH", output);
    }
}
