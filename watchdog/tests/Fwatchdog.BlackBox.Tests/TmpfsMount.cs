using Fwatchdog.Testing;

namespace Fwatchdog.BlackBox.Tests;

/// <summary>
/// A small tmpfs (needs root, as the black-box suite runs), to give the watchdog a TMPDIR that is
/// full after a few MiB or read-only. Unmounted on dispose.
/// </summary>
internal sealed class TmpfsMount : IAsyncDisposable
{
    private readonly TempDirectory _mountPoint = new("tmpfs");

    private TmpfsMount() { }

    public string Path => _mountPoint.Path;

    public static async Task<TmpfsMount> MountAsync(string options)
    {
        var mount = new TmpfsMount();
        var (exitCode, output) = await ToolProcess.RunAsync("mount", ["-t", "tmpfs", "-o", options, "tmpfs", mount.Path], Limits.Quick);
        if (exitCode != 0)
        {
            mount._mountPoint.Dispose();
            throw new InvalidOperationException($"mount -t tmpfs -o {options} failed (the black-box tests run as root): {output}");
        }
        return mount;
    }

    /// <summary>Bytes in use on the mount, from statvfs.</summary>
    public long UsedBytes
    {
        get
        {
            var drive = new DriveInfo(Path);
            return drive.TotalSize - drive.TotalFreeSpace;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ToolProcess.RunAsync("umount", [Path], Limits.Quick);
        _mountPoint.Dispose();
    }
}
