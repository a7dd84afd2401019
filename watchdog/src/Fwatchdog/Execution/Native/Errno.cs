namespace Fwatchdog.Execution.Native;

/// <summary>
/// errno values in the words Go's syscall.Errno prints (glibc's strerror texts, lower-cased), since
/// users match the Go watchdog's answers such as <c>fork/exec x: argument list too long</c>.
/// </summary>
internal static class Errno
{
    public static string Describe(int errno) => errno switch
    {
        1 => "operation not permitted",
        2 => "no such file or directory",
        4 => "interrupted system call",
        5 => "input/output error",
        7 => "argument list too long",
        8 => "exec format error",
        9 => "bad file descriptor",
        11 => "resource temporarily unavailable",
        12 => "cannot allocate memory",
        13 => "permission denied",
        14 => "bad address",
        20 => "not a directory",
        21 => "is a directory",
        22 => "invalid argument",
        23 => "too many open files in system",
        24 => "too many open files",
        26 => "text file busy",
        27 => "file too large",
        28 => "no space left on device",
        30 => "read-only file system",
        32 => "broken pipe",
        36 => "file name too long",
        40 => "too many levels of symbolic links",
        95 => "operation not supported",
        122 => "disk quota exceeded",
        _ => $"errno {errno}",
    };
}
