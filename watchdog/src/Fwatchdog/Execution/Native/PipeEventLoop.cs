using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Fwatchdog.Execution.Native;

/// <summary>
/// One epoll instance and one thread that tell pipe ends when they may be read or written, so that
/// copying to and from function processes never parks a thread-pool thread in a blocking read.
/// This is the job .NET's socket engine does for sockets; anonymous pipes have no such engine.
/// Registration is edge-triggered: each readiness edge bumps the end's sequence number and wakes
/// its single waiter (see <see cref="PipeEnd"/>). An eventfd (token 0) wakes the thread to stop.
/// </summary>
internal sealed unsafe class PipeEventLoop : IDisposable
{
    private const int MaxEventsPerWait = 64;
    private const long StopToken = 0;

    private readonly SafeFileHandle _epoll;
    private readonly SafeFileHandle _stopEvent;
    private readonly ConcurrentDictionary<long, PipeEnd> _ends = new();
    private readonly Action<string> _fatal;
    private readonly Thread _thread;
    private long _nextToken;
    private volatile bool _stopping;

    /// <param name="fatal">Called when the loop cannot go on; expected not to return (it fails the process).</param>
    public PipeEventLoop(Action<string> fatal)
    {
        _fatal = fatal;
        _thread = new Thread(Run) { IsBackground = true, Name = "pipe-events" };
        try
        {
            _epoll = Open(LibC.epoll_create1(LibC.EPOLL_CLOEXEC), "epoll_create1");
            _stopEvent = Open(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK), "eventfd");
            Add((int)_stopEvent.DangerousGetHandle(), LibC.EPOLLIN, StopToken);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private int EpollFd => (int)_epoll.DangerousGetHandle();

    public void Start() => _thread.Start();

    /// <exception cref="NativeCallException">epoll_ctl failed (ENOMEM, or the user's epoll watch limit).</exception>
    public long Register(PipeEnd end, int fd, bool forWriting)
    {
        var token = Interlocked.Increment(ref _nextToken);
        _ends[token] = end;
        var events = (forWriting ? LibC.EPOLLOUT : LibC.EPOLLIN | LibC.EPOLLRDHUP) | LibC.EPOLLET | LibC.EPOLLHUP | LibC.EPOLLERR;
        try
        {
            Add(fd, events, (ulong)token);
        }
        catch
        {
            _ends.TryRemove(token, out _);
            throw;
        }
        return token;
    }

    /// <summary>Called before the fd is closed.</summary>
    public void Unregister(long token, int fd)
    {
        // Result deliberately ignored: closing the fd right after removes it from epoll anyway; this
        // call only spares the kernel a stale entry while the fd is still shared with a child.
        _ = LibC.epoll_ctl(EpollFd, LibC.EPOLL_CTL_DEL, fd, null);
        _ends.TryRemove(token, out _);
    }

    private void Add(int fd, uint events, ulong token)
    {
        var epollEvent = stackalloc byte[EpollEvent.Size];
        EpollEvent.Write(epollEvent, events, token);
        NativeCallException.ThrowIfFailed(LibC.epoll_ctl(EpollFd, LibC.EPOLL_CTL_ADD, fd, epollEvent), "epoll_ctl(EPOLL_CTL_ADD)");
    }

    private void Run()
    {
        var events = stackalloc byte[MaxEventsPerWait * EpollEvent.Size];
        while (!_stopping)
        {
            var count = LibC.epoll_wait(EpollFd, events, MaxEventsPerWait, -1);
            if (count < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == LibC.EINTR)
                    continue;
                _fatal($"epoll_wait: {Errno.Describe(errno)}; function pipes can no longer make progress.");
                return;
            }
            for (var i = 0; i < count; i++)
            {
                var token = (long)EpollEvent.ReadData(events + i * EpollEvent.Size);
                if (token != StopToken && _ends.TryGetValue(token, out var end))
                    end.SignalReady();
            }
        }
    }

    /// <summary>Stops the thread (waiting for it) and closes the epoll fd and the eventfd.</summary>
    public void Dispose()
    {
        if (_thread.IsAlive)
        {
            _stopping = true;
            ulong one = 1;
            // A failed write (only EAGAIN: counter saturated, i.e. already signalled) wakes the loop all the same.
            _ = LibC.write((int)_stopEvent.DangerousGetHandle(), (byte*)&one, sizeof(ulong));
            _thread.Join();
        }
        _stopEvent?.Dispose();
        _epoll?.Dispose();
    }

    private static SafeFileHandle Open(int fd, string call)
    {
        NativeCallException.ThrowIfFailed(fd, call);
        return new SafeFileHandle(fd, ownsHandle: true);
    }
}
