using Fwatchdog.Testing;

namespace Fwatchdog.Operations.Tests.Release;

/// <summary>The git command line, for the repository's file list and for scratch repositories.</summary>
internal static class Git
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Runs git in <paramref name="directory"/> and returns its output; a non-zero exit throws with that output.</summary>
    public static async Task<string> RunAsync(string directory, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var (exitCode, output) = await ToolProcess.RunAsync("git", arguments, Timeout, workingDirectory: directory, environment: environment);
        return exitCode == 0 ? output : throw new InvalidOperationException($"git {string.Join(' ', arguments)} in {directory} exited {exitCode}:\n{output}");
    }

    /// <summary>
    /// The files git tracks or would track in <paramref name="directory"/> (new files count, ignored
    /// build outputs do not), relative with forward slashes; files deleted in the work tree are left out.
    /// </summary>
    public static async Task<IReadOnlyList<string>> FilesAsync(string directory)
    {
        var listing = await RunAsync(directory, null, "ls-files", "-z", "--cached", "--others", "--exclude-standard");
        return listing.Split('\0', StringSplitOptions.RemoveEmptyEntries)
            .Where(f => File.Exists(Path.Combine(directory, f)))
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The mode git records for a tracked file ("100755" for an executable), or null when it is not tracked.</summary>
    public static async Task<string?> IndexModeAsync(string directory, string file)
    {
        var entry = await RunAsync(directory, null, "ls-files", "-s", "--", file);
        return entry.Length > 0 ? entry.Split(' ')[0] : null;
    }
}
