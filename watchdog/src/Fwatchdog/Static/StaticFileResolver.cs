namespace Fwatchdog.Static;

/// <summary>
/// Maps a request path to a file under static_path and refuses everything that would leave it:
/// dot segments (also percent-encoded ones, which arrive decoded), and symbolic links whose real
/// target lies outside the root. Directories resolve to their index.html.
/// </summary>
internal sealed class StaticFileResolver(string root)
{
    private const string IndexFile = "index.html";

    /// <summary>static_path itself, links resolved, so containment compares real paths.</summary>
    private readonly string _root = RealPath.Of(root) ?? Path.GetFullPath(root);

    public StaticTarget Resolve(string requestPath)
    {
        if (requestPath.Contains('\0') || requestPath.Contains('\\'))
            return StaticTarget.NotFound;
        var relative = requestPath.TrimStart('/');
        var joined = Path.GetFullPath(Path.Join(_root, relative));
        if (!IsInsideRoot(joined) || RealPath.Of(joined) is not { } real || !IsInsideRoot(real))
            return StaticTarget.NotFound;
        // The FileInfo's one stat answers both "is it a file" and the endpoint's length and date.
        if (new FileInfo(real) is { Exists: true } file)
            return requestPath.EndsWith('/') ? StaticTarget.NotFound : StaticTarget.Found(file);
        if (!Directory.Exists(real))
            return StaticTarget.NotFound;
        if (!requestPath.EndsWith('/'))
            return StaticTarget.DirectoryWithoutSlash;
        var index = RealPath.Of(Path.Join(real, IndexFile));
        return index is not null && IsInsideRoot(index) && new FileInfo(index) is { Exists: true } indexFile
            ? StaticTarget.Found(indexFile)
            : StaticTarget.NotFound;
    }

    private bool IsInsideRoot(string path) =>
        path.Length == _root.Length ? path == _root
        : path.StartsWith(_root, StringComparison.Ordinal) && (path[_root.Length] == '/' || _root == "/");
}

internal readonly record struct StaticTarget(StaticTargetKind Kind, FileInfo? File)
{
    public string? Path => File?.FullName;

    public static readonly StaticTarget NotFound = new(StaticTargetKind.NotFound, null);
    public static readonly StaticTarget DirectoryWithoutSlash = new(StaticTargetKind.DirectoryWithoutSlash, null);
    public static StaticTarget Found(FileInfo file) => new(StaticTargetKind.File, file);
}

internal enum StaticTargetKind { NotFound, File, DirectoryWithoutSlash }
