using System.Formats.Tar;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>
/// Tars files in memory as a build context for the engine's build API. The Docker CLI applies
/// .dockerignore on the client side; this project's only ignore rule is "no bin/ or obj/", which
/// is what is skipped here.
/// </summary>
public static class BuildContext
{
    private static readonly HashSet<string> IgnoredFolders = new(StringComparer.Ordinal) { "bin", "obj" };

    public static MemoryStream FromFolder(string folder) => Of(folder, ["."]);

    /// <summary>
    /// The given files and folders (relative to <paramref name="root"/>) at the same relative
    /// paths, plus <paramref name="made"/>: files that exist only in the context.
    /// </summary>
    public static MemoryStream Of(string root, IEnumerable<string> paths, IReadOnlyDictionary<string, byte[]>? made = null)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var relative in paths.SelectMany(path => FilesUnder(root, path)).Distinct().Order(StringComparer.Ordinal))
                writer.WriteEntry(Path.Combine(root, relative), relative);
            foreach (var (relative, content) in made ?? new Dictionary<string, byte[]>())
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, relative)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(content),
                });
            }
        }
        output.Position = 0;
        return output;
    }

    private static IEnumerable<string> FilesUnder(string root, string path)
    {
        var full = Path.GetFullPath(Path.Combine(root, path));
        var files = File.Exists(full) ? [full] : Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories);
        return files
            .Select(file => Path.GetRelativePath(root, file).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(relative => !relative.Split('/').SkipLast(1).Any(IgnoredFolders.Contains));
    }
}
