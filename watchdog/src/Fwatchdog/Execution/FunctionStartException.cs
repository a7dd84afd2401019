using Fwatchdog.Execution.Native;

namespace Fwatchdog.Execution;

/// <summary>
/// The function could not be started. <see cref="Exception.Message"/> reads like Go's os/exec error
/// (it is what the Go watchdog puts in the 500 body); <see cref="Hint"/> tells the operator what to fix.
/// </summary>
public sealed class FunctionStartException(string message, string hint, int errno) : Exception(message)
{
    public string Hint { get; } = hint;

    /// <summary>The errno behind the failure.</summary>
    public int Errno { get; } = errno;

    /// <summary>
    /// The watchdog itself ran out of something (file descriptors, memory, processes) — a failure a
    /// restart can cure, unlike a missing program or a request too large to pass on.
    /// </summary>
    public bool IsResourceExhaustion => Errno is LibC.EMFILE or LibC.ENFILE or LibC.ENOMEM or LibC.EAGAIN or LibC.ENOSPC;

    /// <summary>posix_spawnp failed: its own setup or the exec in the child.</summary>
    public static FunctionStartException FromErrno(string program, int errno)
    {
        var hasPath = program.Contains('/');
        var message = errno == 2 && !hasPath
            ? $"exec: \"{program}\": executable file not found in $PATH"
            : $"fork/exec {program}: {Native.Errno.Describe(errno)}";
        return new(message, HintFor(program, errno, hasPath), errno);
    }

    /// <summary>A call made before the spawn failed (pipe2 when out of fds, epoll_ctl, fcntl, posix_spawn attributes).</summary>
    internal static FunctionStartException FromNativeCall(string program, NativeCallException failure) =>
        failure.Call == "pipe2"
            ? new(failure.Message, HintFor(program, failure.Errno, program.Contains('/')), failure.Errno)
            : new($"fork/exec {program}: {Native.Errno.Describe(failure.Errno)}",
                $"{failure.Call} failed. {HintFor(program, failure.Errno, program.Contains('/'))}", failure.Errno);

    private static string HintFor(string program, int errno, bool hasPath) => errno switch
    {
        2 when !hasPath => $"Install {program} in the image or set fprocess to its full path.",
        2 => $"Check that {program} exists in the image (and, for a script, that its #! interpreter does).",
        13 => $"Make {program} executable (chmod +x) and readable by the user the watchdog runs as.",
        8 => $"{program} is not a binary for this machine; a script needs a #! line.",
        LibC.E2BIG => "The request's headers and the watchdog's environment together exceed the kernel's limit for a new process; send smaller headers, or set cgi_headers=false.",
        LibC.EMFILE => "The watchdog ran out of file descriptors; raise the container's open-files limit (nofile) or lower max_inflight.",
        LibC.ENFILE => "The machine ran out of file descriptors; raise fs.file-max or run fewer processes on it.",
        LibC.ENOMEM => "The container is out of memory; raise its memory limit or lower max_inflight.",
        LibC.EAGAIN => "The container is out of processes or memory; raise its pids or memory limit, or lower max_inflight.",
        LibC.ENOSPC => "A kernel table is full (for epoll: fs.epoll.max_user_watches); raise it or lower max_inflight.",
        _ => "See errno(3) for the cause.",
    };
}
