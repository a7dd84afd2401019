using System.Text.RegularExpressions;
using Fwatchdog.Testing;
using Xunit;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>
/// No template or example points at an image the release does not produce: every Dockerfile that
/// takes the watchdog from an image, and every Markdown example, names the image of the newest
/// CHANGELOG release, wherever the file is (templates are found, not listed).
/// </summary>
public sealed partial class PinnedImageTests
{
    private static readonly string Pinned = $"{RepositoryFiles.ReleaseImage}:{Changelog.LatestRelease()}";

    /// <summary>The released image with any tag ("…/fwatchdog:latest", "…/fwatchdog:0.1.0").</summary>
    private static readonly Regex ReleasedImageMention = new(Regex.Escape(RepositoryFiles.ReleaseImage) + ":[A-Za-z0-9_][A-Za-z0-9._-]*");

    [Fact]
    public async Task Every_dockerfile_takes_the_watchdog_from_the_latest_release()
    {
        var dockerfiles = (await Git.FilesAsync(RepositoryFiles.Root))
            .Where(f => Path.GetFileName(f) is var name && (name == "Dockerfile" || name.EndsWith(".Dockerfile", StringComparison.Ordinal)))
            .Where(f => !f.StartsWith("docker/", StringComparison.Ordinal)) // the Dockerfiles that build the watchdog image itself
            .ToList();

        var watchdogImages = dockerfiles.SelectMany(f => WatchdogImagesIn(f, File.ReadAllLines(RepositoryFiles.PathOf(f)))).ToList();

        Assert.True(watchdogImages.Count >= 1, $"No Dockerfile outside docker/ takes the watchdog from an image; looked at {string.Join(", ", dockerfiles)}.");
        Assert.All(watchdogImages, use => Assert.True(use.Image == Pinned,
            $"{use.File}:{use.Line} takes the watchdog from {use.Image}, not the latest release {Pinned}: run scripts/pin-version.sh {Changelog.LatestRelease()}"));
    }

    [Fact]
    public async Task Every_markdown_example_uses_the_latest_release()
    {
        var markdown = (await Git.FilesAsync(RepositoryFiles.Root))
            .Where(f => f.EndsWith(".md", StringComparison.Ordinal) && f != "CHANGELOG.md").ToList();

        var mentions = markdown.SelectMany(f => File.ReadLines(RepositoryFiles.PathOf(f)).Select((text, i) => (File: f, Line: i + 1, Text: text)))
            .SelectMany(l => ReleasedImageMention.Matches(l.Text).Select(m => (l.File, l.Line, Image: m.Value)))
            .ToList();

        Assert.Contains(mentions, m => m.File == "README.md");
        Assert.All(mentions, m => Assert.True(m.Image == Pinned,
            $"{m.File}:{m.Line} names {m.Image}, not the latest release {Pinned}: run scripts/pin-version.sh {Changelog.LatestRelease()}"));
    }

    [Fact]
    public void Readme_dockerfile_example_starts_from_the_latest_release()
    {
        var from = RepositoryFiles.CodeLines("README.md").First(l => l.StartsWith("FROM ", StringComparison.Ordinal));

        Assert.Equal($"FROM {Pinned} AS watchdog", from);
    }

    [Fact]
    public void Readme_says_how_to_build_on_a_locally_built_watchdog_instead()
    {
        var code = RepositoryFiles.CodeLines("README.md");

        Assert.Contains("./build.sh --target=DockerImage", code);
        Assert.Contains(code, l => l.Contains("--build-arg WATCHDOG_IMAGE=fwatchdog:dev", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_pin_script_agrees_that_everything_points_at_the_latest_release()
    {
        var (exitCode, output) = await ToolProcess.RunAsync(RepositoryFiles.PathOf("scripts/pin-version.sh"),
            ["--check", Changelog.LatestRelease()], TimeSpan.FromSeconds(30), workingDirectory: RepositoryFiles.Root);

        Assert.True(exitCode == 0, output);
    }

    /// <summary>
    /// The images a Dockerfile's FROM and COPY --from lines name whose repository is the watchdog's
    /// (…/fwatchdog, fwatchdog:dev), with ${ARG} references replaced by the ARG's default.
    /// </summary>
    private static IEnumerable<(string File, int Line, string Image)> WatchdogImagesIn(string file, string[] lines)
    {
        var defaults = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            var arg = ArgDefault().Match(lines[i]);
            if (arg.Success)
                defaults[arg.Groups[1].Value] = arg.Groups[2].Value;
            var reference = ImageReference().Match(lines[i]);
            if (!reference.Success)
                continue;
            var image = ArgReference().Replace(reference.Groups[1].Value,
                m => defaults.TryGetValue(m.Groups[1].Value, out var value) ? value : m.Value);
            if (WatchdogRepository().IsMatch(image))
                yield return (file, i + 1, image);
        }
    }

    [GeneratedRegex(@"^\s*ARG\s+(\w+)=(\S+)")]
    private static partial Regex ArgDefault();

    [GeneratedRegex(@"^\s*(?:FROM(?:\s+--platform=\S+)?|COPY\s+--from=)\s*(\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex ImageReference();

    [GeneratedRegex(@"\$\{?(\w+)\}?")]
    private static partial Regex ArgReference();

    [GeneratedRegex(@"(^|/)fwatchdog(:|@|$)")]
    private static partial Regex WatchdogRepository();
}
