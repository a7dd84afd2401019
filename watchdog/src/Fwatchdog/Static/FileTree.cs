using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fwatchdog.Static;

/// <summary>What a name under static_path opened as: a regular file or a directory, described from the open descriptor itself.</summary>
internal enum OpenedKind : byte { File = 1, Directory }

/// <summary>An entry of the tree, open: its descriptor and what fstat says of it (never a second look-up by path).</summary>
internal sealed record OpenedEntry(SafeFileHandle Handle, OpenedKind Kind, long Length, DateTime LastWriteUtc) : IDisposable
{
    public void Dispose() => Handle.Dispose();
}

/// <summary>
/// static_path as the kernel sees it, held open once: every name is opened relative to that
/// descriptor with openat2's RESOLVE_BENEATH, so the containment check and the open are one system
/// call — a directory swapped for a symbolic link to elsewhere between a check and an open cannot
/// lead outside (issue 20: the realpath-then-open race served outside files). openat2 refuses
/// absolute links even when they point back inside; for those, and on kernels without openat2
/// (before 5.6, or a seccomp filter), the name is opened as it resolves and the descriptor's own
/// path (<c>/proc/self/fd</c>, which names what was opened and cannot be raced) must lie inside the root.
/// </summary>
internal sealed unsafe partial class FileTree : IDisposable
{
    private const int O_RDONLY = 0;
    private const int O_NONBLOCK = 0x800;   // a FIFO must not block the open
    private const int O_DIRECTORY = 0x10000;
    private const int O_CLOEXEC = 0x80000;
    private const int O_PATH = 0x200000;
    private const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    private const ulong RESOLVE_BENEATH = 0x08;
    private const int AT_EMPTY_PATH = 0x1000;
    private const uint STATX_TYPE = 0x1, STATX_MTIME = 0x40, STATX_SIZE = 0x200;
    private const int S_IFMT = 0xF000, S_IFDIR = 0x4000, S_IFREG = 0x8000;
    private const int EXDEV = 18;
    private const int ENOSYS = 38;
    /// <summary>openat2's number: the same in the generic table (aarch64) and on x86_64.</summary>
    private const long SYS_openat2 = 437;

    private readonly SafeFileHandle _root;
    /// <summary>The root's real path, for the descriptor check; null without /proc (then only openat2's beneath-opens succeed).</summary>
    private readonly string? _rootPath;
    private bool _noOpenat2;

    public FileTree(string root)
    {
        var fd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            throw new IOException($"static_path {root} cannot be opened: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}. Set static_path to a readable directory.");
        _root = new SafeFileHandle(fd, ownsHandle: true);
        _rootPath = PathOf(fd);
    }

    /// <param name="relative">A path below the root, without dot segments (the resolver refused those).</param>
    /// <returns>Null when nothing is there, it lies outside the root, or it is neither a file nor a directory.</returns>
    public OpenedEntry? Open(string relative)
    {
        var fd = OpenBeneath(relative.Length == 0 ? "." : relative);
        if (fd < 0)
            return null; // ENOENT, ENOTDIR, EXDEV (outside), ELOOP, EACCES: all "not found" to a client
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (Describe(handle) is { } entry)
            return entry;
        handle.Dispose();
        return null;
    }

    private int OpenBeneath(string relative)
    {
        const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
        if (!_noOpenat2)
        {
            var how = new OpenHow { Flags = flags, Resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
            var fd = (int)syscall(SYS_openat2, (nint)_root.DangerousGetHandle(), relative, &how, (nuint)sizeof(OpenHow));
            if (fd >= 0)
                return fd;
            var errno = Marshal.GetLastPInvokeError();
            if (errno == ENOSYS)
                _noOpenat2 = true;
            else if (errno != EXDEV)
                return -1; // not there, not a directory on the way, a magic link: not found
        }
        var opened = openat((int)_root.DangerousGetHandle(), relative, flags);
        if (opened < 0 || IsBeneathRoot(opened))
            return opened;
        _ = close(opened); // deliberately unchecked: a read-only descriptor has nothing to flush
        return -1;
    }

    /// <summary>Where <paramref name="fd"/> really is, as the kernel names it; false when that is outside the root or cannot be told.</summary>
    private bool IsBeneathRoot(int fd) =>
        _rootPath is { } root && PathOf(fd) is { } path &&
        (path == root || (path.StartsWith(root, StringComparison.Ordinal) && (root == "/" || path[root.Length] == '/')));

    private static string? PathOf(int fd)
    {
        const int capacity = 4096; // PATH_MAX
        var buffer = stackalloc byte[capacity];
        var length = readlink("/proc/self/fd/" + fd.ToString(System.Globalization.CultureInfo.InvariantCulture), buffer, capacity);
        return length is > 0 and < capacity ? System.Text.Encoding.UTF8.GetString(buffer, (int)length) : null;
    }

    private static OpenedEntry? Describe(SafeFileHandle handle)
    {
        Statx stat;
        if (statx((int)handle.DangerousGetHandle(), "", AT_EMPTY_PATH, STATX_TYPE | STATX_SIZE | STATX_MTIME, &stat) != 0)
            return null;
        var kind = (stat.Mode & S_IFMT) switch
        {
            S_IFREG => OpenedKind.File,
            S_IFDIR => OpenedKind.Directory,
            _ => (OpenedKind)0,
        };
        if (kind == 0)
            return null;
        var modified = DateTime.UnixEpoch.AddSeconds(stat.MtimeSeconds).AddTicks(stat.MtimeNanoseconds / 100);
        return new OpenedEntry(handle, kind, (long)stat.Size, modified);
    }

    public void Dispose() => _root.Dispose();

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    /// <summary>struct statx: one layout on every architecture (linux/stat.h), 256 bytes; only the fields read are named.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct Statx
    {
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(112)] public long MtimeSeconds;
        [FieldOffset(120)] public uint MtimeNanoseconds;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, nint dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat(int dirfd, string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, Statx* buffer);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint readlink(string path, byte* buffer, nint size);
}
