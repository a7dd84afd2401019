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

    /// <exception cref="IOException">With a message that names the path and the way out.</exception>
    public void Create()
    {
        try
        {
            using var _ = new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException(
                $"Cannot write {Path}. To disable lock-file set env suppress_lock=true, or point TMPDIR at a writable directory. Error: {e.Message}", e);
        }
    }

    public void Remove() => File.Delete(Path);
}
