using Xunit;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>CHANGELOG.md keeps the shape its own rules and scripts/release-notes.sh rely on.</summary>
public sealed class ChangelogTests
{
    private readonly IReadOnlyList<ChangelogSection> _sections = Changelog.Sections();

    [Fact]
    public void Unreleased_comes_first_then_releases_newest_first()
    {
        Assert.Equal("Unreleased", _sections[0].Name);
        var releases = _sections.Skip(1).ToList();
        Assert.NotEmpty(releases);
        Assert.All(releases, r => Assert.True(r.IsRelease, $"CHANGELOG.md:{r.Line}: a second [{r.Name}] section."));
        Assert.Equal(releases.Select(r => r.Version).OrderDescending(), releases.Select(r => r.Version));
    }

    [Fact]
    public void Every_release_is_semver_dated_and_says_what_changed()
    {
        Assert.All(_sections.Where(s => s.IsRelease), release =>
        {
            Assert.Matches(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$", release.Name);
            Assert.True(Changelog.IsDate(release.Date), $"CHANGELOG.md:{release.Line}: [{release.Name}] needs a date, \"## [{release.Name}] - YYYY-MM-DD\".");
            Assert.Contains(release.Body, line => line.StartsWith("- ", StringComparison.Ordinal));
        });
    }

    [Fact]
    public void Dates_do_not_go_back_in_time()
    {
        var dates = _sections.Where(s => s.IsRelease).Select(s => s.Date!).ToList();

        Assert.Equal(dates.Order(StringComparer.Ordinal).Reverse(), dates);
    }
}
