using System.Runtime.InteropServices;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// One pipe between the watchdog and a function: the child's end (dup'ed onto 0, 1 or 2 by
/// posix_spawn, then closed here) and ours, which becomes a <see cref="PipeEnd"/>. Both are
/// created close-on-exec so no other concurrently spawned function inherits them. Each fd has
/// exactly one owner at any time, so no path closes one twice.
/// </summary>
internal sealed class PipePair
{
    private PipeEnd? _parentEnd;
    private bool _roleTaken;

    /// <summary>stdin: the child reads, we write. stdout/stderr: the child writes, we read.</summary>
    public unsafe PipePair()
    {
        var fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new FunctionStartException($"pipe: errno {errno}",
                "The watchdog ran out of file descriptors; raise the container's open-files limit or lower max_inflight.");
        }
        ReadFd = fds[0];
        WriteFd = fds[1];
    }

    private int ReadFd { get; }
    private int WriteFd { get; }
    public int ChildEnd { get; private set; } = -1;

    public PipeEnd TakeParentEnd(bool forWriting, PipeEventLoop events)
    {
        _roleTaken = true;
        ChildEnd = forWriting ? ReadFd : WriteFd;
        _parentEnd = new PipeEnd(forWriting ? WriteFd : ReadFd, forWriting, events);
        return _parentEnd;
    }

    public void CloseChildEnd()
    {
        if (ChildEnd >= 0)
            LibC.close(ChildEnd);
        ChildEnd = -1;
    }

    /// <summary>On a failed start: our end, or both ends when they were never handed out.</summary>
    public void DisposeParentEnd()
    {
        if (_parentEnd is not null)
        {
            _parentEnd.Dispose();
            return;
        }
        if (_roleTaken)
        {
            LibC.close(ChildEnd == ReadFd ? WriteFd : ReadFd);
            return;
        }
        LibC.close(ReadFd);
        LibC.close(WriteFd);
    }
}
