using System.Formats.Tar;

namespace Fwatchdog.IntegrationTests.Docker;

/// <summary>
/// Tars a folder in memory as a build context for the engine's build API. The Docker CLI applies
/// .dockerignore on the client side; the templates' only ignore rule is "no bin/ or obj/", which is
/// what is skipped here.
/// </summary>
public static class BuildContext
{
    private static readonly HashSet<string> IgnoredFolders = new(StringComparer.Ordinal) { "bin", "obj" };

    public static MemoryStream FromFolder(string folder)
    {
        var output = new MemoryStream();
        using (var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(folder, file).Replace(Path.DirectorySeparatorChar, '/');
                if (relative.Split('/').SkipLast(1).Any(IgnoredFolders.Contains))
                    continue;
                writer.WriteEntry(file, relative);
            }
        }
        output.Position = 0;
        return output;
    }
}
