namespace Fwatchdog.Lifecycle;

/// <summary>
/// Why TMPDIR cannot take the watchdog's files (the lock file, classic mode's spill files), told as
/// a reason and a remedy that callers join into one sentence — instead of a framework message that
/// names neither TMPDIR nor what to do.
/// </summary>
internal sealed record TempDirectoryProblem(string Reason, string Remedy)
{
    // Linux errno values; .NET reports them as an IOException carrying the errno as HResult.
    private const int NoSpaceLeft = 28;
    private const int ReadOnlyFileSystem = 30;

    private const string PointElsewhere = "point TMPDIR at a writable directory";

    /// <summary>Creates and deletes a probe file in <paramref name="directory"/>; null when that works.</summary>
    public static TempDirectoryProblem? Probe(string directory)
    {
        try
        {
            var probe = Path.Combine(directory, $".fwatchdog-probe-{Environment.ProcessId}");
            using var _ = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose);
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Explain(directory, e);
        }
    }

    /// <summary>Explains a failure to create a file in <paramref name="directory"/>.</summary>
    public static TempDirectoryProblem Explain(string directory, Exception? error)
    {
        if (!Directory.Exists(directory))
        {
            return File.Exists(directory)
                ? new($"TMPDIR {directory} is a file, not a directory", PointElsewhere)
                : new($"TMPDIR {directory} does not exist", $"create it or {PointElsewhere}");
        }
        return error switch
        {
            UnauthorizedAccessException => new($"TMPDIR {directory} is not writable for this user", $"make it writable or {PointElsewhere}"),
            IOException { HResult: ReadOnlyFileSystem } => new($"TMPDIR {directory} is on a read-only file system",
                $"mount a writable volume there (e.g. an emptyDir) or {PointElsewhere}"),
            IOException { HResult: NoSpaceLeft } => new($"TMPDIR {directory} is full", $"free space there or point TMPDIR at a larger directory"),
            _ => new($"TMPDIR {directory} cannot hold files ({error?.Message.TrimEnd('.')})", PointElsewhere),
        };
    }
}
