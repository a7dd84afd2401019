using System.Text.RegularExpressions;
using Fwatchdog.Testing;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>The repository's own files as the release checks read them.</summary>
internal static partial class RepositoryFiles
{
    public static string Root { get; } = WatchdogBinary.RepositoryRoot();

    public const string Workflow = ".github/workflows/release.yml";

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>
    /// Every line inside the fenced code blocks of a Markdown file, trimmed, without a trailing
    /// "# comment": the commands it documents.
    /// </summary>
    public static IReadOnlyList<string> CodeLines(string markdown)
    {
        var lines = new List<string>();
        var inside = false;
        foreach (var line in File.ReadLines(PathOf(markdown)))
        {
            var text = line.Trim();
            if (text.StartsWith("```", StringComparison.Ordinal))
                inside = !inside;
            else if (inside && text.Length > 0)
                lines.Add(TrailingComment().Replace(text, "").Trim());
        }
        return lines;
    }

    /// <summary>The image a release pushes, as scripts/release-common.sh names it ("ghcr.io/fwatchdog/fwatchdog").</summary>
    public static string ReleaseImage => ShellAssignment("release_image");

    private static string ShellAssignment(string name)
    {
        var match = Regex.Match(Read("scripts/release-common.sh"), $"^{name}=(\\S+)$", RegexOptions.Multiline);
        return match.Success ? match.Groups[1].Value : throw new InvalidDataException($"scripts/release-common.sh assigns no {name}.");
    }

    [GeneratedRegex(@"\s+#(\s.*)?$")]
    private static partial Regex TrailingComment();
}
