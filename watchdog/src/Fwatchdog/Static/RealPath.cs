using System.Runtime.InteropServices;

namespace Fwatchdog.Static;

/// <summary>
/// The canonical path of an existing file: every symbolic link and dot segment resolved by the
/// kernel's view of the file system (realpath(3)), so a link that points out of static_path is
/// seen for where it really leads.
/// </summary>
internal static unsafe partial class RealPath
{
    /// <returns>Null when the path does not exist (or cannot be resolved).</returns>
    public static string? Of(string path)
    {
        var resolved = realpath(path, null);
        if (resolved == null)
            return null;
        try
        {
            return Marshal.PtrToStringUTF8((nint)resolved);
        }
        finally
        {
            NativeMemory.Free(resolved); // realpath(path, NULL) mallocs the result
        }
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial byte* realpath(string path, byte* resolved);
}
