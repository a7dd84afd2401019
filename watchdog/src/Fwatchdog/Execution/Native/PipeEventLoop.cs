using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// One epoll instance and one thread that tell pipe ends when they may be read or written, so that
/// copying to and from function processes never parks a thread-pool thread in a blocking read.
/// This is the job .NET's socket engine does for sockets; anonymous pipes have no such engine.
/// Registration is edge-triggered: each readiness edge bumps the end's sequence number and wakes
/// its single waiter (see <see cref="PipeEnd"/>).
/// </summary>
internal sealed unsafe class PipeEventLoop
{
    private const int MaxEventsPerWait = 64;

    private readonly int _epollFd;
    private readonly ConcurrentDictionary<long, PipeEnd> _ends = new();
    private long _nextToken;

    public PipeEventLoop()
    {
        _epollFd = LibC.epoll_create1(LibC.EPOLL_CLOEXEC);
        if (_epollFd < 0)
            throw new IOException($"epoll_create1 failed (errno {Marshal.GetLastPInvokeError()}).");

        var thread = new Thread(Run) { IsBackground = true, Name = "pipe-events" };
        thread.Start();
    }

    public long Register(PipeEnd end, int fd, bool forWriting)
    {
        var token = Interlocked.Increment(ref _nextToken);
        _ends[token] = end;
        var events = (forWriting ? LibC.EPOLLOUT : LibC.EPOLLIN | LibC.EPOLLRDHUP) | LibC.EPOLLET | LibC.EPOLLHUP | LibC.EPOLLERR;
        var epollEvent = stackalloc byte[EpollEvent.Size];
        EpollEvent.Write(epollEvent, events, (ulong)token);
        if (LibC.epoll_ctl(_epollFd, LibC.EPOLL_CTL_ADD, fd, epollEvent) != 0)
        {
            _ends.TryRemove(token, out _);
            throw new IOException($"epoll_ctl(ADD) failed for a function pipe (errno {Marshal.GetLastPInvokeError()}).");
        }
        return token;
    }

    /// <summary>Called before the fd is closed; closing also drops it from epoll, this drops our map entry.</summary>
    public void Unregister(long token, int fd)
    {
        LibC.epoll_ctl(_epollFd, LibC.EPOLL_CTL_DEL, fd, null);
        _ends.TryRemove(token, out _);
    }

    private void Run()
    {
        var events = stackalloc byte[MaxEventsPerWait * EpollEvent.Size];
        while (true)
        {
            var count = LibC.epoll_wait(_epollFd, events, MaxEventsPerWait, -1);
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                    continue;
                Environment.FailFast($"epoll_wait failed (errno {errno}); function pipes can no longer make progress.");
            }
            for (var i = 0; i < count; i++)
            {
                if (_ends.TryGetValue((long)EpollEvent.ReadData(events + i * EpollEvent.Size), out var end))
                    end.SignalReady();
            }
        }
    }
}
