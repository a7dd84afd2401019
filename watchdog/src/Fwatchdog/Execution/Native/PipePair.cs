using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// One pipe between the watchdog and a function. Both fds belong to <see cref="SafeFileHandle"/>s
/// from the moment pipe2 returns, so no failure path can leak one: disposing the pair closes
/// whatever it still owns. The child's end is dup'ed onto 0, 1 or 2 by posix_spawn and closed when
/// the pair is disposed right after; ours is taken out as a <see cref="PipeEnd"/>. Both are
/// close-on-exec so no other concurrently spawned function inherits them.
/// </summary>
internal sealed class PipePair : IDisposable
{
    private readonly bool _parentWrites;
    private SafeFileHandle? _parentEnd;

    private PipePair(SafeFileHandle readEnd, SafeFileHandle writeEnd, bool parentWrites)
    {
        _parentWrites = parentWrites;
        ChildEnd = parentWrites ? readEnd : writeEnd;
        _parentEnd = parentWrites ? writeEnd : readEnd;
    }

    /// <summary>The fd the child gets; valid until the pair is disposed.</summary>
    public SafeFileHandle ChildEnd { get; }

    /// <param name="parentWrites">True for stdin (the child reads, we write), false for stdout/stderr.</param>
    /// <exception cref="NativeCallException">pipe2 failed (EMFILE, ENFILE, ...).</exception>
    public static unsafe PipePair Create(bool parentWrites)
    {
        // Handles exist before the fds do, so nothing can fail between pipe2 and their ownership.
        var readEnd = new SafeFileHandle();
        var writeEnd = new SafeFileHandle();
        var fds = stackalloc int[2];
        NativeCallException.ThrowIfFailed(LibC.pipe2(fds, LibC.O_CLOEXEC), "pipe2");
        Marshal.InitHandle(readEnd, fds[0]);
        Marshal.InitHandle(writeEnd, fds[1]);
        return new PipePair(readEnd, writeEnd, parentWrites);
    }

    /// <summary>Hands our end to a <see cref="PipeEnd"/>, which owns (and on failure closes) it from then on.</summary>
    public PipeEnd OpenParentEnd(PipeEventLoop events)
    {
        var handle = _parentEnd ?? throw new InvalidOperationException("The parent end was already taken.");
        _parentEnd = null;
        return new PipeEnd(handle, _parentWrites, events);
    }

    public void Dispose()
    {
        ChildEnd.Dispose();
        _parentEnd?.Dispose();
    }
}
