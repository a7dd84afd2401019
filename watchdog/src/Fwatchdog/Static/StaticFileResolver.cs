namespace Fwatchdog.Static;

/// <summary>
/// Maps a request path to an open entry under static_path, the way Go's FileServer cleans it
/// (dot segments, also percent-encoded ones, which arrive decoded, are resolved as text first), and
/// opens it through <see cref="FileTree"/>, which refuses everything outside the root on the open
/// itself. Directories resolve to their index.html.
/// </summary>
internal sealed class StaticFileResolver(FileTree tree)
{
    private const string IndexFile = "index.html";

    /// <returns>A found file's entry is open: the caller disposes the target.</returns>
    public StaticTarget Resolve(string requestPath)
    {
        if (requestPath.Contains('\0') || requestPath.Contains('\\'))
            return StaticTarget.NotFound;
        // A textual clean on an absolute path: never touches the file system, never climbs above "/".
        var relative = Path.GetFullPath(Path.Join("/", requestPath)).TrimStart('/');
        var entry = tree.Open(relative);
        if (entry is null)
            return StaticTarget.NotFound;
        if (entry.Kind == OpenedKind.File)
        {
            if (!requestPath.EndsWith('/'))
                return StaticTarget.Found(entry, Path.GetFileName(relative));
            entry.Dispose();
            return StaticTarget.NotFound;
        }
        entry.Dispose();
        if (!requestPath.EndsWith('/'))
            return StaticTarget.DirectoryWithoutSlash;
        return tree.Open(relative.Length == 0 ? IndexFile : relative + "/" + IndexFile) switch
        {
            { Kind: OpenedKind.File } index => StaticTarget.Found(index, IndexFile),
            { } other => Dispose(other),
            null => StaticTarget.NotFound,
        };
    }

    private static StaticTarget Dispose(OpenedEntry entry)
    {
        entry.Dispose();
        return StaticTarget.NotFound;
    }
}

/// <param name="File">For <see cref="StaticTargetKind.File"/>: the open file.</param>
/// <param name="Name">The file's name, which chooses its Content-Type.</param>
internal readonly record struct StaticTarget(StaticTargetKind Kind, OpenedEntry? File, string? Name)
{
    public static readonly StaticTarget NotFound = new(StaticTargetKind.NotFound, null, null);
    public static readonly StaticTarget DirectoryWithoutSlash = new(StaticTargetKind.DirectoryWithoutSlash, null, null);
    public static StaticTarget Found(OpenedEntry file, string name) => new(StaticTargetKind.File, file, name);
}

internal enum StaticTargetKind { NotFound, File, DirectoryWithoutSlash }
