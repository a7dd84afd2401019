namespace Fwatchdog.Lifecycle;

/// <summary>
/// The lock file ($TMPDIR/.lock) orchestrators probe with <c>fwatchdog --run-healthcheck</c> or
/// <c>[ -e /tmp/.lock ]</c>: present while the watchdog accepts work.
/// </summary>
public sealed class LockFile(string path)
{
    public string Path { get; } = path;

    public static string PathIn(string directory) => System.IO.Path.Combine(directory, ".lock");

    public bool Exists => File.Exists(Path);

    /// <exception cref="IOException">With one sentence that names the path, the cause and the way out.</exception>
    public void Create()
    {
        try
        {
            using var _ = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var problem = TempDirectoryProblem.Explain(System.IO.Path.GetDirectoryName(Path) ?? "/", e);
            throw new IOException($"Cannot write {Path}: {problem.Reason}; {problem.Remedy}, or set suppress_lock=true to run without a lock file.", e);
        }
    }

    public void Remove() => File.Delete(Path);
}
