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
        if (File.Exists(real))
            return requestPath.EndsWith('/') ? StaticTarget.NotFound : StaticTarget.File(real);
        if (!Directory.Exists(real))
            return StaticTarget.NotFound;
        if (!requestPath.EndsWith('/'))
            return StaticTarget.DirectoryWithoutSlash;
        var index = RealPath.Of(Path.Join(real, IndexFile));
        return index is not null && IsInsideRoot(index) && File.Exists(index) ? StaticTarget.File(index) : StaticTarget.NotFound;
    }

    private bool IsInsideRoot(string path) =>
        path.Length == _root.Length ? path == _root
        : path.StartsWith(_root, StringComparison.Ordinal) && (path[_root.Length] == '/' || _root == "/");
}

internal readonly record struct StaticTarget(StaticTargetKind Kind, string? Path)
{
    public static readonly StaticTarget NotFound = new(StaticTargetKind.NotFound, null);
    public static readonly StaticTarget DirectoryWithoutSlash = new(StaticTargetKind.DirectoryWithoutSlash, null);
    public static StaticTarget File(string path) => new(StaticTargetKind.File, path);
}

internal enum StaticTargetKind { NotFound, File, DirectoryWithoutSlash }
