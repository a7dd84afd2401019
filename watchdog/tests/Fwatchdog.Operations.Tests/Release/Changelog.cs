using System.Globalization;
using System.Text.RegularExpressions;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>One "## [X.Y.Z] - YYYY-MM-DD" (or "## [Unreleased]") section of CHANGELOG.md.</summary>
internal sealed record ChangelogSection(string Name, string? Date, int Line, IReadOnlyList<string> Body)
{
    public bool IsRelease => Name != "Unreleased";

    public Version Version => System.Version.Parse(Name);
}

/// <summary>CHANGELOG.md's level-two sections after its preamble, in file order.</summary>
internal static partial class Changelog
{
    public static IReadOnlyList<ChangelogSection> Sections()
    {
        var lines = File.ReadAllLines(RepositoryFiles.PathOf("CHANGELOG.md"));
        var sections = new List<ChangelogSection>();
        for (var i = 0; i < lines.Length; i++)
        {
            var heading = Heading().Match(lines[i]);
            if (!heading.Success)
                continue;
            var end = Array.FindIndex(lines, i + 1, l => l.StartsWith("## ", StringComparison.Ordinal));
            var body = lines[(i + 1)..(end < 0 ? lines.Length : end)].Where(l => l.Trim().Length > 0).ToList();
            sections.Add(new ChangelogSection(heading.Groups[1].Value, heading.Groups[2].Success ? heading.Groups[2].Value : null, i + 1, body));
        }
        return sections;
    }

    /// <summary>The newest released version ("0.2.0"): the image every template and example must use.</summary>
    public static string LatestRelease() =>
        Sections().FirstOrDefault(s => s.IsRelease)?.Name ?? throw new InvalidDataException("CHANGELOG.md lists no release.");

    public static bool IsDate(string? text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    [GeneratedRegex(@"^## \[([^\]]+)\](?: - (.+))?$")]
    private static partial Regex Heading();
}
